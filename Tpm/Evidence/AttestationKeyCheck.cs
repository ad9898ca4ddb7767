using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// Is a public area that of an attestation key? fixedTPM, fixedParent, sensitiveDataOrigin, restricted and sign
/// set; decrypt clear; RSA of at least the policy's size or ECC on an allowed curve; a signing scheme of its own
/// (RSASSA, RSAPSS or ECDSA as the policy allows) with an allowed hash; an allowed nameAlg. Each flaw is reported
/// separately, with the reason it matters.
/// </summary>
public static class AttestationKeyCheck
{
    public static bool IsAttestationKey(TpmPublic key, QuotePolicy? policy = null) => Check(key, policy).Count == 0;

    /// <summary>Every flaw found (none means the key is an attestation key).</summary>
    public static IReadOnlyList<AttestationKeyProblem> Check(TpmPublic key, QuotePolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        policy ??= QuotePolicy.Default;
        var problems = new List<AttestationKeyProblem>();
        void Add(AttestationKeyFlaw flaw, string detail) => problems.Add(new AttestationKeyProblem(flaw, detail));

        if (!key.IsRsa && !key.IsEcc)
            Add(AttestationKeyFlaw.NotAnAsymmetricKey, $"AK is a {key.Type} object, not an RSA or ECC key: it cannot sign quotes");
        if (!key.Has(TpmObjectAttributes.FixedTpm))
            Add(AttestationKeyFlaw.NotFixedTpm, "AK is not fixedTPM: its private part could be duplicated out of the TPM, so a signature does not prove this TPM made it");
        if (!key.Has(TpmObjectAttributes.FixedParent))
            Add(AttestationKeyFlaw.NotFixedParent, "AK is not fixedParent: it could be moved to another parent, so its qualified name would no longer tie it to this EK");
        if (!key.Has(TpmObjectAttributes.SensitiveDataOrigin))
            Add(AttestationKeyFlaw.NotSensitiveDataOrigin, "AK is not sensitiveDataOrigin: its private key was imported, not generated inside the TPM, so someone outside may hold it");
        if (!key.Has(TpmObjectAttributes.Restricted))
            Add(AttestationKeyFlaw.NotRestricted, "AK is not restricted: it could sign data that merely looks like a TPM quote");
        if (!key.Has(TpmObjectAttributes.Sign))
            Add(AttestationKeyFlaw.NotSign, "AK does not have the sign attribute: it cannot sign quotes");
        if (key.Has(TpmObjectAttributes.Decrypt))
            Add(AttestationKeyFlaw.Decrypt, "AK has the decrypt attribute: a restricted key that also decrypts is a storage key, not an attestation key");
        if (!policy.IsHashAllowed(key.NameAlg))
            Add(AttestationKeyFlaw.NameAlgNotAllowed, $"AK's nameAlg {TpmHash.Describe(key.NameAlg)} is not allowed (allowed: {policy.DescribeHashes()}): its Name and qualified name would be weak");

        if (key.IsRsa)
        {
            int modulusBits = key.RsaModulus.Length * 8;
            if (key.RsaKeyBits < policy.MinimumRsaBits)
                Add(AttestationKeyFlaw.RsaKeyTooSmall, $"AK is RSA-{key.RsaKeyBits}, below the required {policy.MinimumRsaBits} bits");
            if (modulusBits != key.RsaKeyBits)
                Add(AttestationKeyFlaw.RsaModulusSizeMismatch, $"AK's modulus is {key.RsaModulus.Length} bytes, which does not match its keyBits {key.RsaKeyBits}");
        }
        if (key.IsEcc && !policy.AllowedCurves.Contains(key.Curve))
            Add(AttestationKeyFlaw.CurveNotAllowed, $"AK's curve {key.Curve} is not allowed (allowed: {string.Join(", ", policy.AllowedCurves.Order())})");

        if (key.IsRsa || key.IsEcc)
        {
            bool fits = key.IsRsa ? key.Scheme is TpmAlgorithm.RsaSsa or TpmAlgorithm.RsaPss : key.Scheme == TpmAlgorithm.EcDsa;
            if (key.Scheme == TpmAlgorithm.Null)
                Add(AttestationKeyFlaw.NoSigningScheme, "AK has no signing scheme (NULL): an attestation key must fix its scheme so every quote is signed the same way");
            else if (!fits || !policy.IsSchemeAllowed(key.Scheme))
                Add(AttestationKeyFlaw.SchemeNotAllowed, $"AK's scheme {TpmtSignature.SchemeName(key.Scheme)} is not an allowed signing scheme for a {key.Type} key (allowed: {policy.DescribeSchemes()})");
            else if (!policy.IsHashAllowed(key.SchemeHash))
                Add(AttestationKeyFlaw.SchemeHashNotAllowed, $"AK's scheme hash {TpmHash.Describe(key.SchemeHash)} is not allowed (allowed: {policy.DescribeHashes()})");
        }
        return problems;
    }

    /// <summary>
    /// Checks what can be checked: everything for a TPM public area; for a bare SubjectPublicKeyInfo key only its
    /// strength (RSA size, ECC curve): its TPM attributes are unknown, which the caller must report as a check not made.
    /// </summary>
    public static IReadOnlyList<AttestationKeyProblem> Check(AttestationKeyPublic key, QuotePolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.TpmPublic is { } tpmPublic)
            return Check(tpmPublic, policy);
        policy ??= QuotePolicy.Default;
        var problems = new List<AttestationKeyProblem>();
        if (key.KeyType == TpmAlgorithm.Rsa && key.RsaModulusBits < policy.MinimumRsaBits)
            problems.Add(new(AttestationKeyFlaw.RsaKeyTooSmall, $"AK is RSA-{key.RsaModulusBits}, below the required {policy.MinimumRsaBits} bits"));
        if (key.KeyType == TpmAlgorithm.Ecc && !policy.AllowedCurves.Contains(key.Curve))
            problems.Add(new(AttestationKeyFlaw.CurveNotAllowed, $"AK's curve {key.Curve} is not allowed (allowed: {string.Join(", ", policy.AllowedCurves.Order())})"));
        return problems;
    }
}
