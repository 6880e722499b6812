import { z } from 'zod';
import { respondentSchema, type Respondent } from '../data/record.js';

/** A respondent as in the OpenAPI examples (snake_case factors of the record schema). */
export const EXAMPLE_RESPONDENT: Respondent = {
  gender: 'Female',
  age: 21,
  city: 'Pune',
  profession: 'Student',
  academic_pressure: 4,
  work_pressure: 0,
  cgpa: 7.8,
  study_satisfaction: 2,
  job_satisfaction: 0,
  sleep_duration: 'Less than 5 hours',
  dietary_habits: 'Unhealthy',
  degree: 'B.Tech',
  suicidal_thoughts: 'No',
  work_study_hours: 9,
  financial_stress: 3,
  family_history: 'Yes',
};

export const predictRequestSchema = respondentSchema.meta({
  description: 'One respondent record: the factors of the Student Depression Dataset, snake_case.',
  examples: [EXAMPLE_RESPONDENT],
});

export const batchRequestSchema = (maxBatchSize: number) =>
  z
    .strictObject({ records: z.array(respondentSchema).min(1).max(maxBatchSize) })
    .meta({ examples: [{ records: [EXAMPLE_RESPONDENT, { ...EXAMPLE_RESPONDENT, age: 24 }] }] });

const contributionSchema = z.object({
  feature: z.string(),
  value: z.number().describe('Signed contribution to the log-odds of the score'),
});

export const predictionSchema = z
  .object({
    requestKey: z
      .string()
      .describe('Send it back with POST /v1/feedback when the ground truth is known'),
    probability: z
      .number()
      .describe('Screening score in [0, 1]: a screening aid, never a diagnosis'),
    label: z.union([z.literal(0), z.literal(1)]).describe('1 when probability ≥ threshold'),
    threshold: z.number(),
    model: z.string(),
    version: z.number().int(),
    route: z.enum(['champion', 'canary']),
    contributions: z.array(contributionSchema).describe('Largest contributions by magnitude'),
  })
  .meta({
    id: 'Prediction',
    examples: [
      {
        requestKey: 'survey-4f1c2a',
        probability: 0.83,
        label: 1,
        threshold: 0.5,
        model: 'student-depression',
        version: 3,
        route: 'champion',
        contributions: [
          { feature: 'academic_pressure', value: 0.91 },
          { feature: 'financial_stress', value: 0.42 },
          { feature: 'sleep_duration', value: 0.31 },
        ],
      },
    ],
  });

export const batchResponseSchema = z.object({ predictions: z.array(predictionSchema) });

export const feedbackRequestSchema = z
  .strictObject({
    requestKey: z.string().min(1).max(200),
    label: z.union([z.literal(0), z.literal(1)]).describe('Ground truth, e.g. PHQ-9 ≥ 10'),
  })
  .meta({ examples: [{ requestKey: 'survey-4f1c2a', label: 1 }] });

export const feedbackResponseSchema = z.object({
  requestKey: z.string(),
  label: z.union([z.literal(0), z.literal(1)]),
  matched: z
    .boolean()
    .describe('Whether a prediction with this key is known (the label is stored either way)'),
});
