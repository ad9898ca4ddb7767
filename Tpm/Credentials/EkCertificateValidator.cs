using System.Security.Cryptography.X509Certificates;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// Validates an EK certificate against a configured EK CA bundle and checks that it certifies the EK the device
/// presented. Checks, each with its own reason code: readable certificate → validity period → chain to a root of
/// the bundle (no OS trust store, no downloads) → intended for an EK → same key as the EK public area.
/// Never throws for bad input: anything unexpected is a failure with a reason.
/// What the platform chain engine (OpenSSL 3 on Linux) does with EK certificates, checked and handled here:
/// an empty subject and a critical SubjectAltName holding only a directoryName pass unchanged; an unknown critical
/// extension yields HasNotSupportedCriticalExtension, which fails unless configured as accepted; the EKU
/// 2.23.133.8.1 is not checked by it (no application policy is set), so it is checked below; a leaf whose key is
/// id-RSAES-OAEP makes it fail outright ("internal error"), so such a leaf's signature is verified here.
/// </summary>
public sealed class EkCertificateValidator(EkCaBundle bundle, EkCertificateValidationOptions? options = null, TimeProvider? time = null)
{
    /// <summary>
    /// Critical extensions OpenSSL's chain engine processes itself; a critical extension outside this set makes it
    /// report HasNotSupportedCriticalExtension. EK certificates put their TPM attributes in a critical
    /// SubjectAltName (directoryName only, often with an empty subject), which is in this set and passes as is.
    /// </summary>
    private static readonly HashSet<string> PlatformProcessedExtensions =
    [
        "2.5.29.14", "2.5.29.15", "2.5.29.17", "2.5.29.19", "2.5.29.30", "2.5.29.32",
        "2.5.29.35", "2.5.29.36", "2.5.29.37", "2.5.29.54",
    ];

    /// <summary>
    /// Critical extensions an end-entity certificate may carry when its signature is checked here instead of by
    /// the chain engine (RSAES-OAEP keys): ones whose meaning for a leaf is checked below or is only informative.
    /// </summary>
    private static readonly HashSet<string> LeafExtensionsCheckedHere =
    [
        "2.5.29.14", "2.5.29.15", "2.5.29.17", "2.5.29.19", "2.5.29.35", "2.5.29.37",
    ];

    private const string NameConstraints = "2.5.29.30";

    private readonly EkCaBundle _bundle = bundle ?? throw new ArgumentNullException(nameof(bundle));
    private readonly EkCertificateValidationOptions _options = options ?? new EkCertificateValidationOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Validates a DER or PEM EK certificate and that it certifies <paramref name="ekPublic"/>.</summary>
    public EkCertificateValidationResult Validate(ReadOnlySpan<byte> certificate, TpmPublic ekPublic)
    {
        ArgumentNullException.ThrowIfNull(ekPublic);
        return LoadAndValidate(certificate, ekPublic);
    }

    public EkCertificateValidationResult Validate(X509Certificate2 certificate, TpmPublic ekPublic)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(ekPublic);
        return Guarded(certificate, ekPublic);
    }

    /// <summary>
    /// Validates the certificate alone (chain, dates, usage). This does NOT show that a device owns the key: use
    /// <see cref="Validate(ReadOnlySpan{byte}, TpmPublic)"/> for admission.
    /// </summary>
    public EkCertificateValidationResult ValidateCertificateOnly(ReadOnlySpan<byte> certificate) => LoadAndValidate(certificate, null);

    private EkCertificateValidationResult LoadAndValidate(ReadOnlySpan<byte> bytes, TpmPublic? ekPublic)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = EkCertificateLoader.Load(bytes);
        }
        catch (TpmParseException e)
        {
            return EkCertificateValidationResult.Fail(EkCertificateReasons.Malformed, $"the EK certificate cannot be read: {e.Message}");
        }
        using (certificate)
            return Guarded(certificate, ekPublic);
    }

    private EkCertificateValidationResult Guarded(X509Certificate2 certificate, TpmPublic? ekPublic)
    {
        try
        {
            return ValidateCore(certificate, ekPublic);
        }
        catch (Exception e)
        {
            // Fail closed: whatever went wrong, the certificate is not accepted.
            return EkCertificateValidationResult.Fail(EkCertificateReasons.Malformed,
                $"EK certificate validation failed on content it could not process: {e.GetType().Name}: {e.Message}");
        }
    }

    private EkCertificateValidationResult ValidateCore(X509Certificate2 certificate, TpmPublic? ekPublic)
    {
        var now = _time.GetUtcNow();
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        var what = Describe(certificate);

        TpmDeviceInfo? device;
        try
        {
            device = EkSubjectAltName.Read(certificate);
        }
        catch (TpmParseException e)
        {
            return EkCertificateValidationResult.Fail(EkCertificateReasons.Malformed, $"{what}: {e.Message}");
        }

        if (now < notBefore)
            return EkCertificateValidationResult.Fail(EkCertificateReasons.NotYetValid,
                $"{what} is not valid before {notBefore:u} (now {now:u})", device);
        if (now > notAfter)
            return EkCertificateValidationResult.Fail(EkCertificateReasons.Expired,
                $"{what} expired at {notAfter:u} (now {now:u})", device);

        var chained = certificate.PublicKey.Oid?.Value == TcgOids.RsaesOaep
            ? ChainOaepKeyed(certificate, now, what)
            : Chain(certificate, isEkCertificate: true, now, what);
        if (chained.Failure is not null)
            return chained.Failure with { Device = device };

        var usageFailure = CheckUsage(certificate, what);
        if (usageFailure is not null)
            return EkCertificateValidationResult.Fail(EkCertificateReasons.WrongUsage, usageFailure, device);

        if (ekPublic is not null)
        {
            var mismatch = EkPublicKeyComparer.Compare(certificate, ekPublic);
            if (mismatch is not null)
                return EkCertificateValidationResult.Fail(EkCertificateReasons.KeyMismatch, mismatch, device);
        }

        return EkCertificateValidationResult.Valid(
            $"{what} chains to the EK CA root '{chained.Root}'{(ekPublic is null ? "" : " and certifies the presented EK")}",
            device, notAfter);
    }

    private readonly record struct ChainOutcome(string Root, EkCertificateValidationResult? Failure);

    /// <summary>Builds and judges the chain from <paramref name="start"/> (the EK certificate, or its issuer) to a bundle root.</summary>
    private ChainOutcome Chain(X509Certificate2 start, bool isEkCertificate, DateTimeOffset now, string what)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_bundle.Roots);
        policy.ExtraStore.AddRange(_bundle.Intermediates);
        policy.RevocationMode = _options.RevocationMode;
        policy.RevocationFlag = _options.RevocationFlag;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now.UtcDateTime;
        policy.VerificationTimeIgnored = false;

        bool built = chain.Build(start);
        var elements = chain.ChainElements;
        var problems = new List<EkCertificateValidationResult>();
        var seenFlags = X509ChainStatusFlags.NoError;
        for (int i = 0; i < elements.Count; i++)
        {
            var element = elements[i];
            foreach (var status in element.ChainElementStatus)
            {
                seenFlags |= status.Status;
                if (status.Status == X509ChainStatusFlags.NoError)
                    continue;
                var problem = i == 0 && isEkCertificate
                    ? LeafProblem(element.Certificate, status, what)
                    : CaProblem(element.Certificate, status, now);
                if (problem is not null)
                    problems.Add(problem);
            }
        }
        foreach (var status in chain.ChainStatus)
            if ((status.Status & ~seenFlags) != 0)
                problems.Add(Untrusted($"{what}: {Describe(status)}"));

        // A chain that is both untrusted and out of date is reported as untrusted: that is the deeper problem.
        if (problems.Count > 0)
            return new("", problems.FirstOrDefault(p => p.ReasonCode == EkCertificateReasons.Untrusted) ?? problems[0]);
        if (elements.Count == 0)
            return new("", Untrusted($"{what}: no certificate chain was built"));
        var anchor = elements[^1].Certificate;
        if (!_bundle.Roots.Any(root => root.RawData.AsSpan().SequenceEqual(anchor.RawData)))
            return new("", Untrusted($"{what}: the chain ends at '{anchor.Subject}', which is not a root of the EK CA bundle"));
        // Build() is false when an accepted critical extension was reported; with no flag at all it must be true.
        if (!built && seenFlags == X509ChainStatusFlags.NoError)
            return new("", Untrusted($"{what}: the chain engine refused the chain without naming a reason"));
        if (!isEkCertificate && elements.Cast<X509ChainElement>().Any(e => e.Certificate.Extensions[NameConstraints] is not null))
            return new("", Untrusted($"{what}: a CA of its chain has name constraints, which cannot be applied to an EK certificate with an RSAES-OAEP key"));
        return new(anchor.Subject, null);
    }

    /// <summary>
    /// An EK certificate with an id-RSAES-OAEP key: the chain engine cannot start from it, so its signature is
    /// checked here against a CA certificate of the bundle with the issuer's name, which must be a CA, and the
    /// chain is built from that CA.
    /// </summary>
    private ChainOutcome ChainOaepKeyed(X509Certificate2 certificate, DateTimeOffset now, string what)
    {
        if (_options.RevocationMode != X509RevocationMode.NoCheck)
            return new("", Untrusted($"{what} has an RSAES-OAEP key, whose revocation status the chain engine cannot check, and revocation checking is on"));
        var unknown = certificate.Extensions
            .Where(e => e.Critical && e.Oid?.Value is { } oid && !LeafExtensionsCheckedHere.Contains(oid) && !_options.AcceptedCriticalExtensions.Contains(oid))
            .Select(e => e.Oid!.Value!).ToList();
        if (unknown.Count > 0)
            return new("", Untrusted(UnprocessedMessage(what, unknown)));

        var problems = new List<string>();
        foreach (var issuer in _bundle.Intermediates.Concat(_bundle.Roots))
        {
            if (!issuer.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
                continue;
            var problem = CertificateSignature.Verify(certificate.RawData, issuer);
            if (problem is not null)
            {
                problems.Add(problem);
                continue;
            }
            if (issuer.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
                return new("", Untrusted($"{what} is signed by '{issuer.Subject}', which is not a CA certificate"));
            if (issuer.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage
                && (usage.KeyUsages & X509KeyUsageFlags.KeyCertSign) == 0)
                return new("", Untrusted($"{what} is signed by '{issuer.Subject}', whose key usage does not allow signing certificates"));
            return Chain(issuer, isEkCertificate: false, now, what);
        }
        return new("", Untrusted(problems.Count == 0
            ? $"{what} does not chain to a root of the EK CA bundle (no CA certificate named '{certificate.Issuer}' in it)"
            : $"{what} does not chain to a root of the EK CA bundle: {string.Join("; ", problems)}"));
    }

    private EkCertificateValidationResult? LeafProblem(X509Certificate2 certificate, X509ChainStatus status, string what)
    {
        if (status.Status == X509ChainStatusFlags.HasNotSupportedCriticalExtension)
        {
            var unprocessed = certificate.Extensions
                .Where(e => e.Critical && e.Oid?.Value is { } oid && !PlatformProcessedExtensions.Contains(oid))
                .Select(e => e.Oid!.Value!).ToList();
            if (unprocessed.Count == 0)
                return Untrusted($"{what}: the chain engine reports an unhandled critical extension that this verifier cannot identify");
            var refused = unprocessed.Where(oid => !_options.AcceptedCriticalExtensions.Contains(oid)).ToList();
            return refused.Count == 0 ? null : Untrusted(UnprocessedMessage(what, refused));
        }
        return Untrusted($"{what}: {Describe(status)}");
    }

    private static string UnprocessedMessage(string what, IEnumerable<string> oids) =>
        $"{what} has critical extension(s) {string.Join(", ", oids)} that nothing here processes (RFC 5280 4.2 requires refusing it; list it in AcceptedCriticalExtensions to accept it)";

    private static EkCertificateValidationResult CaProblem(X509Certificate2 ca, X509ChainStatus status, DateTimeOffset now)
    {
        var what = $"issuing CA certificate '{ca.Subject}'";
        if (status.Status == X509ChainStatusFlags.NotTimeValid)
        {
            var notBefore = new DateTimeOffset(ca.NotBefore.ToUniversalTime());
            var notAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime());
            return now < notBefore
                ? EkCertificateValidationResult.Fail(EkCertificateReasons.NotYetValid, $"{what} is not valid before {notBefore:u} (now {now:u})")
                : EkCertificateValidationResult.Fail(EkCertificateReasons.Expired, $"{what} expired at {notAfter:u} (now {now:u})");
        }
        return Untrusted($"{what}: {Describe(status)}");
    }

    /// <summary>Null when the certificate may certify an EK; otherwise why not.</summary>
    private string? CheckUsage(X509Certificate2 certificate, string what)
    {
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true })
            return $"{what} is a CA certificate (basicConstraints CA:TRUE), not an EK certificate";
        if (!_options.RequireEkCertificateUsage)
            return null;
        var usage = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (usage is null)
            return null;
        var oids = usage.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToList();
        return oids.Contains(TcgOids.EkCertificateUsage)
            ? null
            : $"{what} has an extended key usage without tcg-kp-EKCertificate ({TcgOids.EkCertificateUsage}): {(oids.Count == 0 ? "empty" : string.Join(", ", oids))}";
    }

    private static EkCertificateValidationResult Untrusted(string detail) => EkCertificateValidationResult.Fail(EkCertificateReasons.Untrusted, detail);

    private static string Describe(X509ChainStatus status)
    {
        var information = status.StatusInformation.Trim();
        return status.Status switch
        {
            X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.UntrustedRoot =>
                $"does not chain to a root of the EK CA bundle ({status.Status}{(information.Length > 0 ? ": " + information : "")})",
            X509ChainStatusFlags.NotSignatureValid => $"a signature in the chain does not verify ({information})",
            X509ChainStatusFlags.Revoked => $"revoked ({information})",
            X509ChainStatusFlags.RevocationStatusUnknown or X509ChainStatusFlags.OfflineRevocation =>
                $"revocation status could not be established, and revocation checking is on ({status.Status}: {information})",
            _ => $"{status.Status}{(information.Length > 0 ? ": " + information : "")}",
        };
    }

    private static string Describe(X509Certificate2 certificate)
    {
        var subject = string.IsNullOrEmpty(certificate.Subject) ? "(empty subject)" : certificate.Subject;
        return $"EK certificate {subject} serial {certificate.SerialNumber} from '{certificate.Issuer}'";
    }
}
