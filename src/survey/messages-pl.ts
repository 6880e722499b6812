import type { Catalogue } from './messages.js';

const scale = (label: string, low = 'bardzo niska', high = 'bardzo wysoka') => ({
  label,
  low,
  high,
});
const satisfaction = (label: string) => scale(label, 'bardzo niskie', 'bardzo wysokie');
const yesNo = { Yes: 'Tak', No: 'Nie' };

/**
 * Polish catalogue. The survey addresses respondents formally (Pan/Pani), as the Polish
 * PHQ-9 does. PHQ-9 stem, answers and items word for word as the published Polish PHQ-9
 * ("Kwestionariusz Zdrowia Pacjenta-9", developed by Drs Spitzer, Williams, Kroenke and
 * colleagues with an educational grant from Pfizer Inc.; free to reproduce), as reproduced at
 * https://www.gdanskipsycholog.pl/kalkulator-phq-9/ (compared 2026-12-02; items 8 and 9, cut
 * short there, against a second reproduction of the same form). Pinned by
 * src/survey/phq9-polish.test.ts; see the README section "Survey" on checking it against the
 * official PDF before a deployment.
 */
export const pl: Catalogue = {
  lang: 'pl',
  languageName: 'Polski',
  ui: {
    title: 'Ankieta o samopoczuciu studentów',
    languageLabel: 'Język',
    helpHeading: 'Gdzie szukać pomocy',
    helpBanner: 'W razie zagrożenia życia lub myśli samobójczych: {phones}.',
    helpBannerLink: 'Więcej miejsc, gdzie można uzyskać pomoc',
    consentHeading: 'Zanim Pan/Pani zacznie',
    consentParagraphs: [
      'Ankieta dotyczy studiów, codziennego życia i samopoczucia w ciągu ostatnich dwóch tygodni. Odpowiedzi pomagają uczelnianemu zespołowi ds. dobrostanu lepiej zrozumieć sytuację studentów i ulepszać narzędzie przesiewowe.',
      'Ankieta jest anonimowa: nie prosimy o imię, adres e-mail ani konto. Nie zapisujemy adresu IP, danych przeglądarki ani plików cookie, a z czasu wypełnienia zachowujemy tylko datę.',
      'Pytania o samopoczucie to kwestionariusz PHQ-9. Na końcu pojawi się jego wynik. Jest to wynik badania przesiewowego, a nie diagnoza.',
      'Pytania oznaczone jako opcjonalne można pominąć, a ankietę można przerwać w każdej chwili, zamykając stronę: nic nie zostanie wysłane przed naciśnięciem przycisku „Wyślij odpowiedzi”.',
      'Ankieta jest przeznaczona dla osób pełnoletnich. Jej wypełnienie zajmuje około pięciu minut.',
    ],
    consentCheckbox: 'Mam ukończone 18 lat i zgadzam się na udział w ankiecie',
    start: 'Rozpocznij ankietę',
    deleteLink:
      'Ankieta została już wypełniona? Odpowiedzi można usunąć za pomocą kodu potwierdzenia',
    progress: 'Strona {current} z {total}',
    pageTitles: {
      about: 'Informacje ogólne',
      studies: 'Studia i praca',
      wellbeing: 'Codzienne życie',
      'phq-a': 'Samopoczucie (część 1 z 2)',
      'phq-b': 'Samopoczucie (część 2 z 2)',
    },
    phqStem: 'Jak często w ciągu ostatnich 2 tygodni dokuczały Panu/Pani następujące problemy?',
    back: 'Wstecz',
    next: 'Dalej',
    submit: 'Wyślij odpowiedzi',
    submitting: 'Wysyłanie odpowiedzi…',
    optional: '(opcjonalnie)',
    preferNotToSay: 'Wolę nie odpowiadać',
    choose: 'Proszę wybrać…',
    errorSummary: 'Proszę poprawić odpowiedzi (liczba: {count}):',
    networkError:
      'Nie udało się wysłać odpowiedzi. Proszę sprawdzić połączenie z internetem i spróbować ponownie; odpowiedzi nie zostały utracone.',
    safetyHeading: 'Pomoc jest dostępna',
    safetyParagraphs: [
      'Jedna z odpowiedzi wskazuje na myśli o śmierci, o zrobieniu sobie krzywdy lub o samobójstwie. Dziękujemy za szczerą odpowiedź.',
      'Ankieta jest anonimowa, dlatego nikt się z Panem/Panią nie skontaktuje ani nie zareaguje na te odpowiedzi. Prosimy samodzielnie poszukać wsparcia: rozmowa z drugą osobą może pomóc, także dziś.',
      'W sytuacji bezpośredniego zagrożenia życia proszę dzwonić pod numer 112.',
    ],
    safetyContinue: 'Wróć do ankiety',
    endHeading: 'Dziękujemy za udział w ankiecie',
    endScore: 'Wynik PHQ-9: {total} z 27 ({band}).',
    endNotDiagnosis:
      'Jest to wynik badania przesiewowego, a nie diagnoza. Stan zdrowia może ocenić tylko lekarz lub psycholog.',
    endAdviceLow:
      'Jeśli samopoczucie budzi niepokój, warto porozmawiać z zaufaną osobą lub z uczelnianą poradnią psychologiczną.',
    endAdviceHigh:
      'Taki wynik warto z kimś omówić. Prosimy rozważyć wizytę u lekarza, psychologa lub w uczelnianej poradni psychologicznej w najbliższym czasie.',
    receiptHeading: 'Kod potwierdzenia',
    receiptText:
      'Warto zachować ten kod, jeśli może Pan/Pani chcieć później usunąć swoje odpowiedzi. To jedyne powiązanie z odpowiedziami: nie jesteśmy w stanie go odtworzyć.',
    deleteHeading: 'Usuwanie odpowiedzi',
    deleteCodeLabel: 'Kod potwierdzenia',
    deleteCodeHelp: 'Kod wyświetlony na końcu ankiety, np. ABCD-EFGH-JKMN-PQRS-TVWX.',
    deleteButton: 'Usuń moje odpowiedzi',
    deleted: 'Odpowiedzi zostały usunięte.',
    deleteNotFound:
      'Nie znaleziono odpowiedzi z tym kodem. Proszę sprawdzić kod i spróbować ponownie.',
    deleteBack: 'Wróć na początek',
    phoneLabel: 'tel.',
    fallbackResources:
      'W nagłych przypadkach proszę dzwonić pod numer alarmowy 112. Telefony zaufania na całym świecie: findahelpline.com.',
  },
  frequency: ['Wcale nie dokuczały', 'Kilka dni', 'Więcej niż połowę dni', 'Niemal codziennie'],
  bands: {
    minimal: 'minimalne objawy depresji',
    mild: 'łagodne objawy depresji',
    moderate: 'umiarkowane objawy depresji',
    'moderately-severe': 'umiarkowanie ciężkie objawy depresji',
    severe: 'ciężkie objawy depresji',
  },
  items: {
    gender: {
      label: 'Płeć',
      choices: { female: 'Kobieta', male: 'Mężczyzna', another: 'Inna' },
    },
    age: { label: 'Wiek (w latach)' },
    profession: {
      label: 'Główne zajęcie',
      help: 'Proszę wybrać „Student/studentka”, jeśli studia są głównym zajęciem.',
      choices: {
        Student: 'Student/studentka',
        Architect: 'Architekt/architektka',
        Chef: 'Kucharz/kucharka',
        'Civil Engineer': 'Inżynier/inżynierka budownictwa',
        'Content Writer': 'Copywriter/copywriterka',
        'Digital Marketer': 'Specjalista/specjalistka ds. marketingu internetowego',
        Doctor: 'Lekarz/lekarka',
        'Educational Consultant': 'Doradca/doradczyni edukacyjna',
        Entrepreneur: 'Przedsiębiorca/przedsiębiorczyni',
        Manager: 'Menedżer/menedżerka',
        Pharmacist: 'Farmaceuta/farmaceutka',
        Teacher: 'Nauczyciel/nauczycielka',
        'UX/UI Designer': 'Projektant/projektantka UX/UI',
        Other: 'Inne',
      },
    },
    degree: {
      label: 'Stopień lub program studiów',
      help: 'Lista pochodzi z oryginalnego zbioru danych; jeśli nie ma na niej odpowiedniej pozycji, proszę wybrać „Inny”.',
      choices: { 'Class 12': 'Ukończona szkoła średnia', Others: 'Inny' },
    },
    city: {
      label: 'Miasto',
      help: 'Lista pochodzi z oryginalnego zbioru danych (miasta w Indiach); jeśli nie ma na niej odpowiedniego miasta, proszę wybrać „Inne”.',
      choices: { Other: 'Inne' },
    },
    academic_pressure: scale('Presja związana ze studiami'),
    study_satisfaction: satisfaction('Zadowolenie ze studiów'),
    cgpa: {
      label: 'Średnia ocen w skali 10-punktowej (CGPA)',
      help: 'Pole można zostawić puste, jeśli woli Pan/Pani nie odpowiadać albo oceny są wystawiane w innej skali.',
    },
    work_study_hours: { label: 'Liczba godzin pracy lub nauki w typowym dniu' },
    work_pressure: scale('Presja w pracy'),
    job_satisfaction: satisfaction('Zadowolenie z pracy'),
    sleep_duration: {
      label: 'Ile godzin zwykle trwa Pana/Pani sen w nocy?',
      choices: {
        'Less than 5 hours': 'Mniej niż 5 godzin',
        '5-6 hours': '5–6 godzin',
        '7-8 hours': '7–8 godzin',
        'More than 8 hours': 'Więcej niż 8 godzin',
      },
    },
    dietary_habits: {
      label: 'Jak ocenia Pan/Pani swoje nawyki żywieniowe?',
      choices: { Healthy: 'Zdrowe', Moderate: 'Umiarkowanie zdrowe', Unhealthy: 'Niezdrowe' },
    },
    financial_stress: scale('Stres związany z finansami'),
    family_history: {
      label: 'Czy w Pana/Pani rodzinie występowały choroby psychiczne?',
      choices: yesNo,
    },
    suicidal_thoughts: {
      label: 'Czy kiedykolwiek miał(a) Pan/Pani myśli samobójcze?',
      choices: yesNo,
    },
    phq9_1: {
      label: 'Niewielkie zainteresowanie lub odczuwanie przyjemności z wykonywania czynności',
    },
    phq9_2: { label: 'Uczucie smutku, przygnębienia lub beznadziejności' },
    phq9_3: { label: 'Kłopoty z zaśnięciem lub przerywany sen, albo zbyt długi sen' },
    phq9_4: { label: 'Uczucie zmęczenia lub brak energii' },
    phq9_5: { label: 'Brak apetytu lub przejadanie się' },
    phq9_6: {
      label:
        'Poczucie niezadowolenia z siebie — lub uczucie, że jest się do niczego, albo że zawiódł/zawiodła Pan/Pani siebie lub rodzinę',
    },
    phq9_7: {
      label: 'Problemy ze skupieniem się na przykład przy czytaniu gazety lub oglądaniu telewizji',
    },
    phq9_8: {
      label:
        'Poruszanie się lub mówienie tak wolno, że inni mogliby to zauważyć? Albo wręcz przeciwnie — niemożność usiedzenia w miejscu lub podenerwowanie powodujące ruchliwość znacznie większą niż zwykle',
    },
    phq9_9: { label: 'Myśli, że lepiej byłoby umrzeć, albo chęć zrobienia sobie jakiejś krzywdy' },
  },
  errors: {
    detail: 'Odpowiedź na ankietę zawiera błędne pola (liczba: {count}).',
    required: 'Proszę odpowiedzieć na to pytanie.',
    choose: 'Proszę wybrać jedną z odpowiedzi.',
    range: 'Proszę podać liczbę od {min} do {max}.',
    wholeNumber: 'Proszę podać liczbę całkowitą.',
    decimals: 'Proszę podać liczbę z najwyżej dwoma miejscami po przecinku.',
    notAsked:
      'To pytanie nie dotyczy Pana/Pani, biorąc pod uwagę inne odpowiedzi; proszę je pominąć.',
    unknownField: 'To pole nie należy do ankiety.',
    consent: 'Proszę potwierdzić ukończenie 18 lat i zgodę na udział w ankiecie.',
    submissionId: 'Identyfikator zgłoszenia musi być identyfikatorem UUID.',
    locale: 'Język musi mieć wartość „en” lub „pl”.',
    version: 'Formularz jest nieaktualny; proszę odświeżyć stronę.',
    body: 'Treść żądania musi być obiektem JSON.',
  },
};
