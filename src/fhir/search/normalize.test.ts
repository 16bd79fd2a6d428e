import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldText } from './normalize.js';

test('foldText removes accents and case', () => {
  assert.equal(foldText('Lefèvre'), 'lefevre');
  assert.equal(foldText('LEFÈVRE'), 'lefevre');
  assert.equal(foldText('Hélène Ñúñez-Çelik'), 'helene nunez-celik');
  assert.equal(foldText("Note d'observation"), "note d'observation");
  assert.equal(foldText('Œuvre Æsop Straße'), 'oeuvre aesop strasse');
  assert.equal(foldText('ROUBINOWITZ'), 'roubinowitz');
});

test('foldText handles decomposed input and keeps spacing', () => {
  assert.equal(foldText('Le\u0301o  Dupont'), 'leo  dupont');
  assert.equal(foldText(''), '');
});
