import type { Catalogue } from './messages.js';

const scale = (label: string, low = 'very low', high = 'very high') => ({ label, low, high });
const yesNo = { Yes: 'Yes', No: 'No' };

/**
 * English catalogue. PHQ-9 items: the standard published English wording (Pfizer, free to
 * use without permission).
 */
export const en: Catalogue = {
  lang: 'en',
  languageName: 'English',
  ui: {
    title: 'Student wellbeing survey',
    languageLabel: 'Language',
    helpHeading: 'Need help now?',
    helpBanner: 'In danger or thinking about suicide? Call {phones}.',
    helpBannerLink: 'More places to get help',
    consentHeading: 'Before you start',
    consentParagraphs: [
      'This survey asks about your studies, daily life and mood over the last two weeks. The answers help the university wellbeing team understand how students are doing and improve a screening tool.',
      'It is anonymous: no name, no e-mail, no account. We do not store your IP address, your browser details or any cookie, and the time of your answers is kept only as the date.',
      'The mood questions are the PHQ-9 questionnaire. At the end you will see its result. It is a screening result, not a diagnosis.',
      'You can skip the questions marked optional and stop at any time by closing this page: nothing is sent until you press “Submit answers”.',
      'The survey is for people aged 18 or over. It takes about five minutes.',
    ],
    consentCheckbox: 'I am 18 or older and I agree to take part',
    start: 'Start the survey',
    deleteLink: 'Already took part? Delete your response with your receipt code',
    progress: 'Page {current} of {total}',
    pageTitles: {
      about: 'About you',
      studies: 'Studies and work',
      wellbeing: 'Daily life',
      'phq-a': 'How you have been feeling (part 1 of 2)',
      'phq-b': 'How you have been feeling (part 2 of 2)',
    },
    phqStem:
      'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
    back: 'Back',
    next: 'Next',
    submit: 'Submit answers',
    submitting: 'Sending your answers…',
    optional: '(optional)',
    preferNotToSay: 'Prefer not to say',
    choose: 'Choose…',
    errorSummary: 'Some answers need attention ({count}):',
    networkError:
      'Your answers could not be sent. Please check your connection and try again; nothing has been lost.',
    safetyHeading: 'Help is available',
    safetyParagraphs: [
      'One of your answers says you have had thoughts of death, of hurting yourself or of suicide. Thank you for answering honestly.',
      'This survey is anonymous, so nobody will contact you or follow up on your answers. Please reach out yourself: talking to someone can help, today.',
      'If you are in danger now, call 112.',
    ],
    safetyContinue: 'Continue the survey',
    endHeading: 'Thank you for taking part',
    endScore: 'Your PHQ-9 score: {total} of 27 ({band}).',
    endNotDiagnosis:
      'This is a screening result, not a diagnosis. Only a doctor or psychologist can assess your health.',
    endAdviceLow:
      'If you are worried about how you feel, talking to someone you trust or to your university’s counselling service can help.',
    endAdviceHigh:
      'A score like this is worth talking about. Please consider seeing a doctor, a psychologist or your university’s counselling service soon.',
    receiptHeading: 'Your receipt code',
    receiptText:
      'Keep this code if you may want to delete your answers later. It is the only link to your response: we cannot look it up for you.',
    deleteHeading: 'Delete your response',
    deleteCodeLabel: 'Receipt code',
    deleteCodeHelp: 'The code shown at the end of the survey, e.g. ABCD-EFGH-JKMN-PQRS-TVWX.',
    deleteButton: 'Delete my response',
    deleted: 'Your response has been deleted.',
    deleteNotFound: 'No response has this code. Please check it and try again.',
    deleteBack: 'Back to the start',
    phoneLabel: 'phone',
    fallbackResources:
      'In an emergency call 112 (EU) or your local emergency number. Helplines worldwide: findahelpline.com.',
  },
  frequency: ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'],
  bands: {
    minimal: 'minimal depressive symptoms',
    mild: 'mild depressive symptoms',
    moderate: 'moderate depressive symptoms',
    'moderately-severe': 'moderately severe depressive symptoms',
    severe: 'severe depressive symptoms',
  },
  items: {
    gender: {
      label: 'Gender',
      choices: { female: 'Female', male: 'Male', another: 'Another gender' },
    },
    age: { label: 'Age (in years)' },
    profession: {
      label: 'Occupation',
      help: 'Choose “Student” if studying is your main occupation.',
      choices: {
        Student: 'Student',
        Architect: 'Architect',
        Chef: 'Chef',
        'Civil Engineer': 'Civil engineer',
        'Content Writer': 'Content writer',
        'Digital Marketer': 'Digital marketer',
        Doctor: 'Doctor',
        'Educational Consultant': 'Educational consultant',
        Entrepreneur: 'Entrepreneur',
        Manager: 'Manager',
        Pharmacist: 'Pharmacist',
        Teacher: 'Teacher',
        'UX/UI Designer': 'UX/UI designer',
        Other: 'Other',
      },
    },
    degree: {
      label: 'Degree you are studying for',
      help: 'The list follows the original dataset; if yours is not there, choose “Other”.',
      choices: { 'Class 12': 'Class 12 (end of secondary school)', Others: 'Other' },
    },
    city: {
      label: 'City',
      help: 'The list follows the original dataset (cities in India); if yours is not there, choose “Other”.',
      choices: { Other: 'Other' },
    },
    academic_pressure: scale('Academic pressure'),
    study_satisfaction: scale('Satisfaction with your studies'),
    cgpa: {
      label: 'Grade point average on a 10-point scale (CGPA)',
      help: 'Leave it empty if you prefer not to say or your grades use another scale.',
    },
    work_study_hours: { label: 'Hours of work or study on a typical day' },
    work_pressure: scale('Pressure at work'),
    job_satisfaction: scale('Satisfaction with your job'),
    sleep_duration: {
      label: 'How long do you usually sleep at night?',
      choices: {
        'Less than 5 hours': 'Less than 5 hours',
        '5-6 hours': '5–6 hours',
        '7-8 hours': '7–8 hours',
        'More than 8 hours': 'More than 8 hours',
      },
    },
    dietary_habits: {
      label: 'How would you describe your eating habits?',
      choices: { Healthy: 'Healthy', Moderate: 'Moderately healthy', Unhealthy: 'Unhealthy' },
    },
    financial_stress: scale('Financial stress'),
    family_history: { label: 'Has anyone in your family had a mental illness?', choices: yesNo },
    suicidal_thoughts: { label: 'Have you ever had suicidal thoughts?', choices: yesNo },
    phq9_1: { label: 'Little interest or pleasure in doing things' },
    phq9_2: { label: 'Feeling down, depressed, or hopeless' },
    phq9_3: { label: 'Trouble falling or staying asleep, or sleeping too much' },
    phq9_4: { label: 'Feeling tired or having little energy' },
    phq9_5: { label: 'Poor appetite or overeating' },
    phq9_6: {
      label:
        'Feeling bad about yourself — or that you are a failure or have let yourself or your family down',
    },
    phq9_7: {
      label:
        'Trouble concentrating on things, such as reading the newspaper or watching television',
    },
    phq9_8: {
      label:
        'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual',
    },
    phq9_9: {
      label: 'Thoughts that you would be better off dead or of hurting yourself in some way',
    },
  },
  errors: {
    detail: 'The survey response has {count} invalid field(s).',
    required: 'Please answer this question.',
    choose: 'Please choose one of the options.',
    range: 'Please enter a number from {min} to {max}.',
    wholeNumber: 'Please enter a whole number.',
    decimals: 'Please use at most two decimal places.',
    notAsked: 'This question is not asked given your other answers; leave it out.',
    unknownField: 'This field is not part of the survey.',
    consent: 'Please confirm that you are 18 or older and agree to take part.',
    submissionId: 'The submission id must be a UUID.',
    locale: 'The language must be "en" or "pl".',
    version: 'This form is out of date; please reload the page.',
    body: 'The request body must be a JSON object.',
  },
};
