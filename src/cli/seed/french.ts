/**
 * French names and places for the seed data set (all combinations are fictitious people; the
 * names are common French names, with their accents, diaereses, ligatures and hyphens).
 */

export const FAMILY_NAMES: readonly string[] = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier',
  'Morel', 'Girard', 'André', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Légaré',
  'Bérenger', 'Desprès', 'Crépin', 'Noël', 'Hébert', 'Mézières', 'Thérond', 'Bénard', 'Leclère', 'Ménard',
  'Rivière', 'Lemaître', 'Barthélemy', 'Prévost', 'Sénéchal', 'Gérard', 'Ferré', 'Brûlé', 'Delaunay',
  'Lebœuf', 'Le Goff', 'Le Gall', "N'Diaye", 'Nguyen', 'Da Silva', 'Benali', 'Haddad', 'Kowalski',
  'Müller', 'Schmitt', 'Müller-Durand', 'Lefèvre-Martin', 'Faure', 'Chevalier', 'Gauthier', 'Perrin',
  'Clément', 'Renaud', 'Guérin', 'Boyer', 'Blanchard', 'Collet', 'Jourdain', 'Pelletier', 'Hoarau',
  'Carré', 'Duchêne', 'Lévêque', 'Rémy', 'Cordier', 'Aubert', 'Besnard', 'Tessier', 'Charpentier',
  'Marchand', 'Lacroix', 'Caron', 'Huet', 'Poirier', 'Bourgeois', 'Vallée', 'Côté', 'Leblanc', 'Giraud',
];

/** Given names by generation: the persons cared for (born 1925-1965). */
export const GIVEN_OLDER = {
  female: [
    'Jeanne', 'Marie', 'Hélène', 'Françoise', 'Monique', 'Geneviève', 'Thérèse', 'Odette', 'Simone', 'Yvette',
    'Josette', 'Ginette', 'Madeleine', 'Colette', 'Jacqueline', 'Renée', 'Andrée', 'Gisèle', 'Paulette', 'Suzanne',
    'Élise', 'Noëlle', 'Irène', 'Lucienne', 'Germaine', 'Bernadette', 'Christiane', 'Éliane', 'Marie-Thérèse', 'Reine',
  ],
  male: [
    'Jean', 'Pierre', 'François', 'André', 'René', 'Marcel', 'Lucien', 'Gérard', 'Jacques', 'Michel',
    'Bernard', 'Henri', 'Raymond', 'Roger', 'Maurice', 'Émile', 'Fernand', 'Gaston', 'Léon', 'Joël',
    'Noël', 'Hervé', 'Jean-Claude', 'Gérald', 'Rémi', 'Désiré', 'Aimé', 'Honoré', 'Jérôme', 'Régis',
  ],
} as const;

/** Given names of relatives and professionals (born 1950-2000). */
export const GIVEN_YOUNGER = {
  female: [
    'Nathalie', 'Isabelle', 'Sylvie', 'Valérie', 'Véronique', 'Sandrine', 'Séverine', 'Céline', 'Aurélie', 'Mélanie',
    'Sophie', 'Agnès', 'Béatrice', 'Clémence', 'Anaïs', 'Inès', 'Zoé', 'Chloé', 'Léa', 'Maëlle',
    'Hélène', 'Émilie', 'Gaëlle', 'Noémie', 'Joëlle', 'Cécile', 'Bérénice', 'Laëtitia', 'Amélie', 'Frédérique',
  ],
  male: [
    'Frédéric', 'Jérôme', 'Sébastien', 'Stéphane', 'Loïc', 'Gaël', 'Benoît', 'Thierry', 'Éric', 'Olivier',
    'Laurent', 'Nicolas', 'Christophe', 'Grégory', 'Raphaël', 'Théo', 'Mathéo', 'Noé', 'Léo', 'Hugo',
    'Cédric', 'Hervé', 'Joël', 'Aurélien', 'Jérémie', 'François', 'Anthony', 'Maxime', 'Rémi', 'Benjamin',
  ],
} as const;

export interface City {
  name: string;
  postalCode: string;
  /** Département number (2 digits), used in FINESS numbers. */
  department: string;
}

export const CITIES: readonly City[] = [
  { name: 'Paris', postalCode: '75011', department: '75' },
  { name: 'Lyon', postalCode: '69003', department: '69' },
  { name: 'Marseille', postalCode: '13005', department: '13' },
  { name: 'Toulouse', postalCode: '31000', department: '31' },
  { name: 'Nantes', postalCode: '44000', department: '44' },
  { name: 'Bordeaux', postalCode: '33000', department: '33' },
  { name: 'Lille', postalCode: '59000', department: '59' },
  { name: 'Strasbourg', postalCode: '67000', department: '67' },
  { name: 'Rennes', postalCode: '35000', department: '35' },
  { name: 'Montpellier', postalCode: '34000', department: '34' },
  { name: 'Nice', postalCode: '06000', department: '06' },
  { name: 'Reims', postalCode: '51100', department: '51' },
  { name: 'Le Havre', postalCode: '76600', department: '76' },
  { name: 'Saint-Étienne', postalCode: '42000', department: '42' },
  { name: 'Dijon', postalCode: '21000', department: '21' },
  { name: 'Grenoble', postalCode: '38000', department: '38' },
  { name: 'Angers', postalCode: '49000', department: '49' },
  { name: 'Nîmes', postalCode: '30000', department: '30' },
  { name: 'Clermont-Ferrand', postalCode: '63000', department: '63' },
  { name: 'Le Mans', postalCode: '72000', department: '72' },
  { name: 'Brest', postalCode: '29200', department: '29' },
  { name: 'Tours', postalCode: '37000', department: '37' },
  { name: 'Amiens', postalCode: '80000', department: '80' },
  { name: 'Limoges', postalCode: '87000', department: '87' },
  { name: 'Perpignan', postalCode: '66000', department: '66' },
  { name: 'Metz', postalCode: '57000', department: '57' },
  { name: 'Besançon', postalCode: '25000', department: '25' },
  { name: 'Orléans', postalCode: '45000', department: '45' },
  { name: 'Rouen', postalCode: '76000', department: '76' },
  { name: 'Caen', postalCode: '14000', department: '14' },
  { name: 'Nancy', postalCode: '54000', department: '54' },
  { name: 'Pau', postalCode: '64000', department: '64' },
  { name: 'La Rochelle', postalCode: '17000', department: '17' },
  { name: 'Poitiers', postalCode: '86000', department: '86' },
  { name: 'Annecy', postalCode: '74000', department: '74' },
  { name: 'Quimper', postalCode: '29000', department: '29' },
  { name: 'Vannes', postalCode: '56000', department: '56' },
  { name: 'Chambéry', postalCode: '73000', department: '73' },
  { name: 'Épinal', postalCode: '88000', department: '88' },
  { name: 'Évreux', postalCode: '27000', department: '27' },
  { name: 'Bourg-en-Bresse', postalCode: '01000', department: '01' },
  { name: 'Colmar', postalCode: '68000', department: '68' },
  { name: 'Périgueux', postalCode: '24000', department: '24' },
  { name: 'Agen', postalCode: '47000', department: '47' },
  { name: 'Aurillac', postalCode: '15000', department: '15' },
  { name: 'Valence', postalCode: '26000', department: '26' },
  { name: 'Béziers', postalCode: '34500', department: '34' },
  { name: 'Saint-Brieuc', postalCode: '22000', department: '22' },
  { name: 'Châteauroux', postalCode: '36000', department: '36' },
  { name: 'Mâcon', postalCode: '71000', department: '71' },
];

export const STREETS: readonly string[] = [
  'rue Victor-Hugo', 'avenue Jean-Jaurès', 'rue de la République', "place de l'Église", 'chemin des Vignes',
  'allée des Tilleuls', 'rue Pasteur', 'boulevard Gambetta', 'impasse des Lilas', 'rue du Général-de-Gaulle',
  'rue Émile-Zola', "rue de l'Écluse", 'quai de la Fontaine', 'rue des Écoles', 'avenue de la Gare',
  'rue du Château', 'rue des Peupliers', 'rue Jules-Ferry', 'rue Saint-Éloi', 'place du Marché',
  'rue de la Forêt', 'rue des Mûriers', 'avenue Foch', 'rue Léon-Blum', 'rue des Prés',
];

export const RESIDENCES: readonly string[] = [
  'Résidence Les Églantines', 'Résidence du Parc', 'Résidence Les Hêtres', 'Le Clos Fleuri', 'Résidence Bellevue',
];
