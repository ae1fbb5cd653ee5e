import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeCa } from './certs.js';

describe('test CA', () => {
  it('issues a leaf the CA verifies, naming the hosts asked for', async () => {
    const ca = await makeCa();
    const leaf = await ca.issue({ dnsNames: ['example.test'], ips: ['127.0.0.1'] });
    const caCert = new X509Certificate(ca.cert);
    const leafCert = new X509Certificate(leaf.cert);
    expect(caCert.ca).toBe(true);
    expect(leafCert.verify(caCert.publicKey)).toBe(true);
    expect(leafCert.checkHost('example.test')).toBe('example.test');
    expect(leafCert.checkHost('localhost')).toBeUndefined();
    expect(leafCert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.fingerprint256).toBe(leafCert.fingerprint256);
    const other = await makeCa('other');
    expect(leafCert.verify(new X509Certificate(other.cert).publicKey)).toBe(false);
  });
});
