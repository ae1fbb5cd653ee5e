// A real X.509 CA and certificates, made on the spot for tests (test-only, shared by the TLS
// and wss tests). Pure JS over WebCrypto: no `openssl` binary needed on the machine.
import { createHash, KeyObject, type webcrypto, X509Certificate } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;

/** A certificate with its private key, both PEM. */
export interface CertAndKey {
  /** The certificate, PEM. */
  cert: string;
  /** Its private key, PKCS#8 PEM. */
  key: string;
  /** SHA-256 of the certificate's DER, as Node prints it (`AB:CD:…`). */
  fingerprint256: string;
}

/** What a leaf certificate is for and whom it names. */
export interface IssueOptions {
  /** Subject CN (default the first DNS name, else "sluice test"). */
  commonName?: string;
  /** DNS subjectAltNames (default `['localhost']`). */
  dnsNames?: string[];
  /** IP subjectAltNames (default `['127.0.0.1', '::1']`). */
  ips?: string[];
  /** Key usage: a server certificate, a client certificate, or both (default both). */
  usage?: 'server' | 'client' | 'both';
}

/** A test certificate authority. */
export interface TestCa extends CertAndKey {
  /** Issues a leaf certificate signed by this CA. */
  issue(options?: IssueOptions): Promise<CertAndKey>;
}

x509.cryptoProvider.set(globalThis.crypto);

function serial(): string {
  // Positive, non-zero: the first hex digit stays below 8.
  return `1${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 15)}`;
}

function pemKey(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

function bundle(cert: x509.X509Certificate, key: webcrypto.CryptoKey): CertAndKey {
  const pem = cert.toString('pem');
  return { cert: pem, key: pemKey(key), fingerprint256: new X509Certificate(pem).fingerprint256 };
}

const keyPair = (): Promise<webcrypto.CryptoKeyPair> =>
  globalThis.crypto.subtle.generateKey(ALG, true, [
    'sign',
    'verify',
  ]) as Promise<webcrypto.CryptoKeyPair>;

/** Makes a new self-signed CA (valid from yesterday for a week). */
export async function makeCa(name = 'sluice test CA'): Promise<TestCa> {
  const keys = await keyPair();
  const notBefore = new Date(Date.now() - DAY);
  const notAfter = new Date(Date.now() + 7 * DAY);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });

  const issue = async (options: IssueOptions = {}): Promise<CertAndKey> => {
    const dnsNames = options.dnsNames ?? ['localhost'];
    const ips = options.ips ?? ['127.0.0.1', '::1'];
    const usage = options.usage ?? 'both';
    const leafKeys = await keyPair();
    const eku = [
      ...(usage !== 'client' ? [x509.ExtendedKeyUsage.serverAuth] : []),
      ...(usage !== 'server' ? [x509.ExtendedKeyUsage.clientAuth] : []),
    ];
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${options.commonName ?? dnsNames[0] ?? 'sluice test'}`,
      issuer: caCert.subject,
      notBefore,
      notAfter,
      signingKey: keys.privateKey,
      publicKey: leafKeys.publicKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension(eku),
        new x509.SubjectAlternativeNameExtension([
          ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
          ...ips.map((value) => ({ type: 'ip' as const, value })),
        ]),
        await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
        await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
      ],
    });
    return bundle(leaf, leafKeys.privateKey);
  };

  return { ...bundle(caCert, keys.privateKey), issue };
}
