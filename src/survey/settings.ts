/**
 * The `survey` section of the configuration: k-anonymity, the manual-review rule, request
 * limits and the crisis resources shown on every page, per locale. Validated with the rest of
 * the configuration (composed in src/app/config.ts).
 */
import { z } from 'zod';

/** One place to get help. Shown as given: keep names, numbers and hours accurate. */
export const crisisResourceSchema = z.strictObject({
  name: z.string().min(1).max(200),
  /** Who it is for and what it offers, in the locale's language. */
  description: z.string().max(500),
  /** Digits, spaces and a leading + only: it becomes a tel: link. */
  phone: z
    .string()
    .regex(/^\+?[0-9][0-9 ]{1,19}$/, 'digits and spaces, optionally a leading +')
    .optional(),
  url: z
    .string()
    .regex(/^https:\/\/[^\s"<>]+$/, 'an https:// URL')
    .optional(),
  /** Opening hours as published, e.g. "24/7"; leave out when not known for sure. */
  hours: z.string().max(100).optional(),
});

export type CrisisResource = z.infer<typeof crisisResourceSchema>;

export const surveySettingsSchema = z.strictObject({
  /** Groups smaller than this (by age band, gender, city, degree) are suppressed in exports and aggregates. */
  k: z.number().int().min(2).max(1000),
  /** A response with more than this share of optional factor items unanswered goes to manual review. */
  maxUnansweredShare: z.number().min(0).max(1),
  /** Largest request body accepted by the survey API; larger ones get 413. */
  bodyLimitBytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024),
  /** Per client address, counted in memory only (never stored or logged). */
  rateLimit: z.strictObject({
    windowMs: z.number().int().min(1000),
    submissions: z.number().int().min(1),
    deletions: z.number().int().min(1),
  }),
  /** Crisis resources per survey locale, in the order shown; the first two phone numbers head every page. */
  crisisResources: z.strictObject({
    en: z.array(crisisResourceSchema).min(1),
    pl: z.array(crisisResourceSchema).min(1),
  }),
});

export type SurveySettings = z.infer<typeof surveySettingsSchema>;
