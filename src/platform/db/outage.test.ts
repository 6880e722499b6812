import { describe, expect, it } from 'vitest';
import { isConnectionFailure } from './outage.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isConnectionFailure', () => {
  it.each([
    withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
    withCode('57P01', 'terminating connection due to administrator command'),
    withCode('57P03', 'the database system is starting up'),
    withCode('08006'),
    withCode('53300', 'sorry, too many clients already'),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
  ])('reads %s as the server being away', (error) => {
    expect(isConnectionFailure(error)).toBe(true);
  });

  it.each([
    withCode('23505', 'duplicate key value violates unique constraint'),
    withCode('42P01', 'relation "nope" does not exist'),
    withCode('22P02', 'invalid input syntax for type uuid'),
    new Error('something else'),
    'a string',
  ])('leaves %s as what it is', (error) => {
    expect(isConnectionFailure(error)).toBe(false);
  });
});
