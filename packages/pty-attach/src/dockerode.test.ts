// dockerode is a peer dependency: the installed one loads, and one too old is refused with a
// message that says what to install.
import { describe, expect, it } from 'vitest';
import { dockerodeVersionProblem, MIN_DOCKERODE_MAJOR, requireDockerode } from './dockerode.js';

describe('the dockerode peer dependency', () => {
  it('the installed dockerode loads', () => {
    const Docker = requireDockerode();
    expect(typeof Docker).toBe('function');
  });

  it('a dockerode older than the minimum is refused, saying what to install', () => {
    expect(dockerodeVersionProblem('3.3.5')).toBe(
      `@sluice/pty-attach needs dockerode ${MIN_DOCKERODE_MAJOR} or later, found 3.3.5: npm install dockerode@>=${MIN_DOCKERODE_MAJOR}`,
    );
    expect(dockerodeVersionProblem(`${MIN_DOCKERODE_MAJOR}.0.0`)).toBeUndefined();
    expect(dockerodeVersionProblem('5.0.1')).toBeUndefined();
    expect(dockerodeVersionProblem('')).toBeUndefined();
  });
});
