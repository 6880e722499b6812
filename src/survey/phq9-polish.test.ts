import { describe, expect, it } from 'vitest';
import { pl } from './messages-pl.js';

// The published Polish PHQ-9, word for word (source in messages-pl.ts). A validated instrument
// is used as published: any change to these strings is a change to the instrument.
describe('the Polish PHQ-9', () => {
  it('asks the published stem with the published answers', () => {
    expect(pl.ui.phqStem).toBe(
      'Jak często w ciągu ostatnich 2 tygodni dokuczały Panu/Pani następujące problemy?',
    );
    expect(pl.frequency).toEqual([
      'Wcale nie dokuczały',
      'Kilka dni',
      'Więcej niż połowę dni',
      'Niemal codziennie',
    ]);
  });

  it('asks the nine published items', () => {
    const items = Array.from(
      { length: 9 },
      (_, i) => pl.items[`phq9_${i + 1}` as keyof typeof pl.items].label,
    );
    expect(items).toEqual([
      'Niewielkie zainteresowanie lub odczuwanie przyjemności z wykonywania czynności',
      'Uczucie smutku, przygnębienia lub beznadziejności',
      'Kłopoty z zaśnięciem lub przerywany sen, albo zbyt długi sen',
      'Uczucie zmęczenia lub brak energii',
      'Brak apetytu lub przejadanie się',
      'Poczucie niezadowolenia z siebie — lub uczucie, że jest się do niczego, albo że zawiódł/zawiodła Pan/Pani siebie lub rodzinę',
      'Problemy ze skupieniem się na przykład przy czytaniu gazety lub oglądaniu telewizji',
      'Poruszanie się lub mówienie tak wolno, że inni mogliby to zauważyć? Albo wręcz przeciwnie — niemożność usiedzenia w miejscu lub podenerwowanie powodujące ruchliwość znacznie większą niż zwykle',
      'Myśli, że lepiej byłoby umrzeć, albo chęć zrobienia sobie jakiejś krzywdy',
    ]);
  });
});
