/**
 * French note texts, composed from fragments. Templates use `{masculine|feminine}` for words that
 * agree with the person cared for, `{Rel}` for how a relative calls them ("Maman", "Mon mari"...)
 * and `{name}` for generated values (times, blood pressure, weight...).
 */
import type { NoteTypeCode, ProfessionKey } from './codes.js';
import type { Rng } from './random.js';

export type AuthorKind = 'professional' | 'relative' | 'patient' | 'device';

export interface TextContext {
  female: boolean;
  /** How the relative who writes calls the person ("Maman"...), for relatives' notes. */
  rel: string;
  /** Local time of the visit the note reports, e.g. "8h30". */
  visit: string;
  rng: Rng;
}

const comma = (n: number, digits = 1): string => n.toFixed(digits).replace('.', ',');
const DAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];
const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

function value(name: string, c: TextContext): string {
  const r = c.rng;
  switch (name) {
    case 'h':
      return `${r.int(8, 18)}h${r.pick(['00', '15', '30', '45'])}`;
    case 'visite':
      return c.visit;
    case 'ta':
      return `${r.int(10, 17)}/${r.int(6, 9)}`;
    case 'g':
      return comma(0.8 + r.next() * 1.6, 2);
    case 't':
      return comma(38 + r.next() * 1.8);
    case 'sat':
      return String(r.int(85, 91));
    case 'm':
      return String(r.pick([10, 15, 20, 30, 40, 50]));
    case 'dur':
      return r.pick(["d'une heure", 'de deux heures', 'de trente minutes', "d'une heure trente"]);
    case 'jour':
      return r.pick(DAYS);
    case 'date':
      return `${r.int(1, 28)} ${r.pick(MONTHS)}`;
    case 'Rel':
      return c.rel;
    case 'rel':
      return c.rel.charAt(0).toLowerCase() + c.rel.slice(1);
    default:
      return name;
  }
}

/** Renders a template for the person's sex, with fresh values. */
export function render(template: string, c: TextContext): string {
  return template.replace(/\{([^{}|]*)\|([^{}]*)\}|\{(\w+)\}/g, (_m, male: string | undefined, female: string | undefined, name: string | undefined) =>
    name !== undefined ? value(name, c) : c.female ? female! : male!,
  );
}

const PATIENT_STATE = [
  '{Le patient|La patiente} est {fatigué|fatiguée}.',
  '{Le patient|La patiente} est de bonne humeur.',
  "{Il|Elle} se plaint de douleurs au genou droit.",
  '{Il|Elle} a bien dormi.',
  "Peu d'appétit ce matin.",
  '{Un peu confus|Un peu confuse} en fin de journée.',
  'Bonne hydratation.',
  '{Inquiet|Inquiète} pour le rendez-vous de la semaine prochaine.',
  'A reçu la visite de sa petite-fille, très {content|contente}.',
  'Moral en baisse, parle beaucoup de sa sœur décédée.',
];

interface Bank {
  title: string;
  opening?: string[];
  /** 1 to `max` fragments joined. */
  fragments: string[];
  max: number;
  /** Add a state sentence with this probability. */
  state?: number;
}

const INTERV: Partial<Record<ProfessionKey, Bank>> = {
  nurse: {
    title: 'Passage infirmier',
    opening: ['Passage infirmier à {visite} :', 'Passage à {visite} :', 'Soins :'],
    fragments: [
      'pansement refait',
      "pansement de l'ulcère de jambe refait, plaie propre",
      "injection d'insuline faite, glycémie capillaire à {g} g/L",
      'prise de sang faite pour le bilan demandé',
      'pilulier de la semaine préparé',
      'tension à {ta}',
      'aide à la toilette au lavabo',
      'bas de contention posés',
      "surveillance du point d'appui au talon, pas de rougeur",
      'collyre instillé',
      "injection d'anticoagulant faite",
    ],
    max: 3,
    state: 0.6,
  },
  homeHelp: {
    title: 'Intervention aide à domicile',
    opening: ['Intervention {dur} :', 'Passage de {visite} :', 'Intervention :'],
    fragments: [
      'courses faites',
      'repas préparé et pris en entier',
      "repas préparé, {il|elle} n'en a mangé que la moitié",
      'ménage de la cuisine et de la salle de bain',
      "aide au lever et à l'habillage",
      'linge lavé et étendu',
      'promenade de vingt minutes dans le quartier',
      'réfrigérateur vérifié, produits périmés jetés',
      'lit refait, draps changés',
      'aide à la prise du repas',
    ],
    max: 3,
    state: 0.5,
  },
  physio: {
    title: 'Séance de kinésithérapie',
    opening: ['Séance de kinésithérapie :'],
    fragments: [
      "travail de l'équilibre",
      'marche avec déambulateur sur {m} mètres',
      'renforcement des membres inférieurs',
      'exercices respiratoires',
      'travail du lever du fauteuil',
      'six marches montées avec la rampe',
      'progrès nets depuis la dernière séance',
      'fatigabilité importante',
      'la peur de la chute reste présente',
    ],
    max: 3,
  },
  aes: {
    title: 'Accompagnement',
    opening: ['Accompagnement :', 'Accompagnement de {visite} :'],
    fragments: ["aide à la toilette et à l'habillage", 'accompagnement au repas', 'atelier mémoire', 'sortie au jardin', 'jeu de cartes, {il|elle} a bien participé'],
    max: 2,
    state: 0.4,
  },
  ot: {
    title: "Visite d'ergothérapie",
    opening: ["Visite d'ergothérapie :"],
    fragments: ['évaluation du domicile', "barre d'appui conseillée dans la salle de bain", 'rehausseur de toilettes installé', 'essai du fauteuil roulant', 'tapis du salon à retirer (risque de chute)'],
    max: 2,
  },
  socialWorker: {
    title: 'Entretien social',
    opening: ['Entretien à domicile :', 'Entretien téléphonique :'],
    fragments: ["dossier APA en cours de révision", "demande d'aide au logement déposée", "point sur le plan d'aide avec la famille", 'dossier de téléassistance transmis', 'demande de portage de repas faite'],
    max: 2,
  },
  gp: {
    title: 'Visite à domicile',
    opening: ['Visite à domicile :', 'Visite de {visite} :'],
    fragments: ['examen clinique rassurant', 'auscultation pulmonaire : quelques crépitants à la base droite', 'ordonnance renouvelée pour trois mois', 'tension à {ta}, traitement inchangé', 'pas de signe de déshydratation'],
    max: 2,
  },
};

const OBS_PRO: Bank = {
  title: 'Observation',
  fragments: [
    "{Le patient|La patiente} n'a mangé que la moitié de son repas.",
    "Appétit en baisse depuis trois jours.",
    'Œdèmes des chevilles, à surveiller.',
    "{Le patient|La patiente} est {souriant|souriante}, a reçu la visite de sa petite-fille.",
    'Toux sèche depuis hier.',
    'Selles normales, bonne diurèse.',
    '{Un peu confus|Un peu confuse} en fin de journée, ne reconnaissait pas la pièce.',
    'Chute sans gravité signalée par la voisine, pas de blessure apparente.',
    '{Il|Elle} a refusé de sortir aujourd’hui.',
    'Rougeur au talon gauche, effleurage fait.',
    'Sommeil agité cette nuit selon la famille.',
    'Marche plus assurée avec le déambulateur.',
  ],
  max: 2,
  state: 0.4,
};

const OBS_RELATIVE: Bank = {
  title: 'Message de la famille',
  fragments: [
    "{Rel} n'a pas voulu déjeuner aujourd'hui.",
    '{Rel} a mal dormi, {il s’est levé|elle s’est levée} plusieurs fois.',
    '{Rel} était très {content|contente} de la visite de dimanche.',
    '{Rel} se plaint de son dos depuis quelques jours.',
    "{Rel} a oublié de prendre ses médicaments du soir hier.",
    "{Rel} a bien mangé ce midi, et même repris du dessert.",
  ],
  max: 2,
};

const OBS_PATIENT: Bank = {
  title: 'Message {du patient|de la patiente}',
  fragments: ["Je me sens {fatigué|fatiguée} aujourd'hui.", "J'ai bien mangé ce midi.", 'Mal au dos depuis hier soir.', "J'ai bien dormi cette nuit.", "Je n'ai plus de pansements d'avance."],
  max: 2,
};

const GEN_PRO: Bank = {
  title: 'Information',
  fragments: [
    'Rendez-vous chez le cardiologue le {date} à {h}.',
    'Ordonnance renouvelée, disponible à la pharmacie.',
    'Livraison du lit médicalisé prévue {jour}.',
    'Changement d’horaire : passage le matin à partir de {jour}.',
    'Absence de l’infirmière titulaire la semaine prochaine, remplacement assuré par le cabinet.',
    'Le dossier APA a été transmis au département.',
    'Nouvelle boîte de compresses déposée dans la salle de bain.',
  ],
  max: 2,
};

const GEN_RELATIVE: Bank = {
  title: 'Message de la famille',
  fragments: [
    'Je serai absente du {date} au {date}, mon frère prendra le relais.',
    '{Rel} a rendez-vous chez le dentiste {jour} après-midi.',
    'Les clés sont chez la voisine du deuxième.',
    'Nous avons commandé un fauteuil releveur, livraison {jour}.',
    "J'ai déposé des vêtements propres dans l'armoire.",
  ],
  max: 2,
};

const GEN_PATIENT: Bank = {
  title: 'Message {du patient|de la patiente}',
  fragments: ['Mon fils vient me chercher dimanche pour déjeuner.', 'Pensez à fermer le portail en partant.', 'Je serai chez ma fille du {date} au {date}.'],
  max: 1,
};

const INST: Partial<Record<ProfessionKey, Bank>> & { other: Bank } = {
  gp: {
    title: 'Consignes médicales',
    fragments: [
      'Augmenter le paracétamol à 1 g trois fois par jour pendant cinq jours.',
      'Surveiller la tension deux fois par semaine et noter les valeurs dans le cahier.',
      'Peser {le patient|la patiente} chaque lundi.',
      "Faire boire au moins 1,5 litre d'eau par jour.",
      'Bilan sanguin (NFS, ionogramme, créatinine) à faire la semaine prochaine.',
      'Arrêt du Seresta ; surveiller le sommeil.',
      'Prévenir le cabinet si la température dépasse 38,5 °C.',
      'Reprise de la kinésithérapie : deux séances par semaine.',
    ],
    max: 2,
  },
  other: {
    title: 'Consignes',
    fragments: [
      'Pansement à refaire tous les deux jours.',
      'Ne pas mouiller le pansement lors de la toilette.',
      "Lever au fauteuil l'après-midi, pas plus de deux heures.",
      'Laisser le déambulateur à portée de main près du lit.',
      'Proposer une collation à 16h.',
    ],
    max: 2,
  },
};

const DEM_AVIS_PRO: Partial<Record<ProfessionKey, Bank>> & { other: Bank } = {
  nurse: {
    title: "Demande d'avis",
    fragments: [
      'Pouvez-vous passer voir {le patient|la patiente} ? Tension à {ta} ce matin, {il|elle} se plaint de vertiges.',
      'Avis souhaité sur une rougeur du talon gauche.',
      "Faut-il poursuivre l'antibiotique au-delà de sept jours ?",
      "Glycémie élevée ce matin ({g} g/L) : faut-il adapter l'insuline ?",
    ],
    max: 1,
  },
  physio: { title: "Demande d'avis", fragments: ['Demande de renouvellement de la prescription de kinésithérapie.', 'Douleur à l’épaule gauche pendant les exercices : avis médical ?'], max: 1 },
  socialWorker: { title: "Demande d'avis", fragments: ["Avis de l'équipe souhaité sur un éventuel accueil de jour.", "Avis souhaité sur une demande d'hébergement temporaire."], max: 1 },
  other: {
    title: "Demande d'avis",
    fragments: ['{Le patient|La patiente} tousse beaucoup depuis deux jours, un avis médical serait utile.', '{Le patient|La patiente} semble perdre du poids, faut-il prévenir le médecin ?', 'Avis souhaité : {il|elle} ne veut plus prendre sa douche.'],
    max: 1,
  },
};

const DEM_AVIS_RELATIVE: Bank = {
  title: 'Question de la famille',
  fragments: ["Est-ce normal que {rel} dorme autant depuis le nouveau traitement ?", 'Faut-il prévoir un lit médicalisé ?', 'Pouvez-vous me rappeler après votre passage ?'],
  max: 1,
};

const DEM_AVIS_PATIENT: Bank = {
  title: 'Question {du patient|de la patiente}',
  fragments: ["Pouvez-vous m'appeler pour le rendez-vous de jeudi ?", 'Puis-je reprendre la marche dehors ?', 'Faut-il continuer la crème ?'],
  max: 1,
};

/** Answers to a request for advice, and short acknowledgements of any other note. */
const ANSWERS = [
  'Je passerai {jour} en fin de matinée.',
  'Poursuivre le traitement encore trois jours, puis arrêt.',
  "Adapter l'insuline : deux unités de plus le matin.",
  'Vu, pas d’inquiétude ; à revoir si cela persiste.',
  'Ordonnance faite, à récupérer au cabinet.',
];
const ACKNOWLEDGEMENTS = ['Bien noté, merci.', 'Vu, je surveille lors de mon prochain passage.', "Merci pour l'information.", 'Noté, transmis à l’équipe.', 'Entendu, je préviens la famille.'];

interface Urgent {
  title: string;
  text: string;
}
const URGENT_PRO: Urgent[] = [
  { title: 'Chute', text: 'Chute dans la salle de bain, pas de blessure apparente mais douleur à la hanche droite : médecin prévenu.' },
  { title: 'Chute', text: '{Le patient|La patiente} a été {retrouvé|retrouvée} au sol ce matin, {relevé|relevée} sans difficulté ; surveillance renforcée.' },
  { title: 'Fièvre', text: 'Fièvre à {t} °C et frissons, médecin appelé.' },
  { title: 'Douleur thoracique', text: 'Douleur thoracique signalée, SAMU (15) appelé.' },
  { title: 'Désaturation', text: 'Saturation à {sat} % au repos, médecin prévenu.' },
  { title: 'Saignement', text: 'Plaie du tibia qui saigne abondamment, pansement compressif posé.' },
];
const URGENT_INST: Urgent[] = [
  { title: 'Arrêt de traitement', text: 'Arrêt immédiat du Préviscan en attendant le résultat de l’INR.' },
  { title: 'Hospitalisation', text: 'Hospitalisation prévue demain matin, préparer la valise et le dossier.' },
];
const URGENT_RELATIVE: Urgent[] = [
  { title: 'Chute', text: '{Rel} est {tombé|tombée} cette nuit, pouvez-vous passer ce matin ?' },
  { title: 'Urgence', text: "{Rel} ne répond plus au téléphone depuis hier soir, quelqu'un peut-il passer ?" },
];
const URGENT_PATIENT: Urgent[] = [{ title: 'Chute', text: "Je suis {tombé|tombée}, j'ai mal au poignet." }];

function compose(bank: Bank, c: TextContext): { title: string; text: string } {
  const r = c.rng;
  const n = r.int(1, bank.max);
  const parts = r.sample(bank.fragments, n).map((f) => render(f, c));
  let text: string;
  if (bank.opening) {
    const body = parts.join(', ');
    text = `${render(r.pick(bank.opening), c)} ${body}.`;
  } else text = parts.join(' ');
  if (bank.state !== undefined && r.chance(bank.state)) text += ` ${render(r.pick(PATIENT_STATE), c)}`;
  return { title: render(bank.title, c), text };
}

export interface ComposedText {
  title: string;
  text: string;
}

/** The title and text of a note. */
export function noteText(type: NoteTypeCode, kind: AuthorKind, profession: ProfessionKey | undefined, urgent: boolean, c: TextContext): ComposedText {
  if (urgent) {
    const bank = kind === 'relative' ? URGENT_RELATIVE : kind === 'patient' ? URGENT_PATIENT : type === 'INST' ? URGENT_INST : URGENT_PRO;
    const u = c.rng.pick(bank);
    return { title: u.title, text: render(u.text, c) };
  }
  switch (type) {
    case 'INTERV':
      return compose(INTERV[profession ?? 'nurse'] ?? INTERV.nurse!, c);
    case 'OBS':
      return compose(kind === 'relative' ? OBS_RELATIVE : kind === 'patient' ? OBS_PATIENT : OBS_PRO, c);
    case 'GEN':
      return compose(kind === 'relative' ? GEN_RELATIVE : kind === 'patient' ? GEN_PATIENT : GEN_PRO, c);
    case 'INST':
      return compose((profession && INST[profession]) || INST.other, c);
    case 'DEM-AVIS':
      if (kind === 'relative') return compose(DEM_AVIS_RELATIVE, c);
      if (kind === 'patient') return compose(DEM_AVIS_PATIENT, c);
      return compose((profession && DEM_AVIS_PRO[profession]) || DEM_AVIS_PRO.other, c);
  }
}

/**
 * A reply (relatesTo appends): an answer to a request for advice, an acknowledgement, or a note of
 * its own type that follows up on the parent.
 */
export function replyText(
  parentTitle: string,
  answersRequest: boolean,
  type: NoteTypeCode,
  kind: AuthorKind,
  profession: ProfessionKey | undefined,
  c: TextContext,
): ComposedText {
  const title = `Re : ${parentTitle}`;
  const r = c.rng;
  if (answersRequest) {
    const body = type === 'GEN' || type === 'OBS' || r.chance(0.5) ? render(r.pick(ANSWERS), c) : noteText(type, kind, profession, false, c).text;
    return { title, text: `Suite à votre demande d'avis : ${body}` };
  }
  if (type === 'GEN' || r.chance(0.4)) return { title, text: render(r.pick(ACKNOWLEDGEMENTS), c) };
  return { title, text: `Suite à la note précédente. ${noteText(type, kind, profession, false, c).text}` };
}

/** A connected scale's weight note. */
export function weightText(kg: number, previousKg: number | undefined): ComposedText {
  let text = `Poids : ${comma(kg)} kg. Mesure transmise automatiquement par la balance connectée.`;
  if (previousKg !== undefined) {
    const delta = kg - previousKg;
    if (Math.abs(delta) >= 0.95) text += ` Variation de ${delta > 0 ? '+' : ''}${comma(delta)} kg depuis la pesée précédente.`;
  }
  return { title: 'Pesée', text };
}
