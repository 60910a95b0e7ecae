import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { createCertificateAuthority, issueClientCertificate, issueServerCertificate } from '../../authenticator/certs';

describe('certs', () => {
  const ca = createCertificateAuthority('eks-access test CA');
  const server = issueServerCertificate(ca, {
    dnsNames: ['sts.us-east-1.amazonaws.com', 'localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
  });

  it('creates a self-signed CA that verifies itself and is marked CA', () => {
    const caCert = new X509Certificate(ca.certPem);
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe('CN=eks-access test CA');
    expect(caCert.checkIssued(caCert)).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(caCert.checkPrivateKey(createPrivateKeyFrom(ca.keyPem))).toBe(true);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('issues a server certificate signed by the CA with the requested SANs and a validity window around now', () => {
    const caCert = new X509Certificate(ca.certPem);
    const leaf = new X509Certificate(server.certPem);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.checkPrivateKey(createPrivateKeyFrom(server.keyPem))).toBe(true);
    expect(leaf.subject).toBe('CN=sts.us-east-1.amazonaws.com');
    expect(leaf.subjectAltName).toBe('DNS:sts.us-east-1.amazonaws.com, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(leaf.checkHost('sts.us-east-1.amazonaws.com')).toBe('sts.us-east-1.amazonaws.com');
    expect(leaf.checkHost('sts.amazonaws.com')).toBeUndefined();
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const now = Date.now();
    expect(new Date(leaf.validFrom).getTime()).toBeLessThanOrEqual(now);
    expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(now + 800 * 24 * 3600 * 1000);
  });

  it('does not chain to a different CA', () => {
    const other = new X509Certificate(createCertificateAuthority('other CA').certPem);
    const leaf = new X509Certificate(server.certPem);
    expect(leaf.checkIssued(other)).toBe(false);
    expect(leaf.verify(other.publicKey)).toBe(false);
  });

  it('gives every certificate a distinct positive serial', () => {
    const a = new X509Certificate(issueServerCertificate(ca, { dnsNames: ['a.example'] }).certPem);
    const b = new X509Certificate(issueServerCertificate(ca, { dnsNames: ['a.example'] }).certPem);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(parseInt(a.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80);
  });

  it('issues client certificates with CN = user and O = groups, for clientAuth only', () => {
    const client = new X509Certificate(issueClientCertificate(ca, { commonName: 'alice', organizations: ['system:masters', 'dev'] }).certPem);
    expect(client.subject).toBe('CN=alice\nO=system:masters\nO=dev');
    expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(client.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });

  it('serves real TLS that a client trusting only the CA accepts for the SAN host and rejects for another', async () => {
    const httpsServer = createServer({ cert: server.certPem, key: server.keyPem }, (_req, res) => res.end('ok'));
    httpsServer.listen(0, '127.0.0.1');
    await once(httpsServer, 'listening');
    const { port } = httpsServer.address() as AddressInfo;
    try {
      const handshake = (servername: string) =>
        new Promise<string>((resolve) => {
          const socket = connect({ host: '127.0.0.1', port, servername, ca: ca.certPem }, () => {
            socket.end();
            resolve('ok');
          });
          socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
        });
      expect(await handshake('sts.us-east-1.amazonaws.com')).toBe('ok');
      expect(await handshake('sts.eu-west-1.amazonaws.com')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      httpsServer.close();
    }
  });

  it('rejects bad input with a message naming the field', () => {
    expect(() => issueServerCertificate(ca, {})).toThrow(/at least one of dnsNames or ipAddresses/);
    expect(() => issueServerCertificate(ca, { dnsNames: ['127.0.0.1:443'] })).toThrow(/dnsNames contains "127.0.0.1:443"/);
    expect(() => issueServerCertificate(ca, { ipAddresses: ['localhost'] })).toThrow(/ipAddresses contains "localhost"/);
    expect(() => issueServerCertificate(ca, { dnsNames: ['a.example'], validityDays: 0 })).toThrow(/validityDays must be a positive/);
    expect(() => createCertificateAuthority('')).toThrow(/commonName must be a non-empty string/);
    expect(() => issueServerCertificate(server, { dnsNames: ['a.example'] })).toThrow(/is not a CA/);
    expect(() => createCertificateAuthority('x', { keyBits: 1024 })).toThrow(/keyBits must be an integer >= 2048/);
  });
});

function createPrivateKeyFrom(pem: string) {
  // checkPrivateKey wants a KeyObject; parsing here also proves the PEM is a well-formed RSA private key.
  const key = createPrivateKey(pem);
  expect(createPublicKey(key).asymmetricKeyType).toBe('rsa');
  return key;
}
