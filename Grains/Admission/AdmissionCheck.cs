using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Admission;

/// <summary>
/// Admission (DESIGN.md step 3), in order: the hello is well-formed and for this node → the node is declared (or
/// undeclared admission is on) → the EK is the declared one (EK public hash, or the declared certificate) → any EK
/// certificate chains to the EK CA bundle and certifies the presented EK, and a node enrolled without a pinned EK
/// keeps the EK it enrolled with → the AK has the attributes of an attestation key. Each refusal has its own reason
/// code. Never throws for bad input.
/// </summary>
public sealed class AdmissionCheck(EkTrust trust, IOptions<AdmissionOptions> options)
{
    /// <summary>Public areas are a few hundred bytes; anything far larger is not a TPMT_PUBLIC.</summary>
    public const int MaxPublicAreaBytes = 2048;

    /// <param name="enrolledEkPublic">The EK the node last activated with (its stored TPMT_PUBLIC), if any.</param>
    public AdmissionDecision Check(AgentHello? hello, string nodeName, NodeDeclaration? declaration, AttestationPolicy policy, byte[]? enrolledEkPublic = null)
    {
        try
        {
            return CheckCore(hello, nodeName, declaration, policy, enrolledEkPublic);
        }
        catch (Exception e)
        {
            // Fail closed: admission that could not finish admits nobody.
            return AdmissionDecision.Refuse(NodeReasons.MalformedHello, $"admission stopped by an unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    private AdmissionDecision CheckCore(AgentHello? hello, string nodeName, NodeDeclaration? declaration, AttestationPolicy policy, byte[]? enrolledEkPublic)
    {
        if (hello is null)
            return AdmissionDecision.Refuse(NodeReasons.MalformedHello, "no hello was given");
        if (!string.Equals(hello.NodeName, nodeName, StringComparison.Ordinal))
            return AdmissionDecision.Refuse(NodeReasons.MalformedHello, $"the hello is for node '{hello.NodeName}' but was sent to node '{nodeName}'");
        if (hello.EkPublic is not { Length: > 0 and <= MaxPublicAreaBytes })
            return AdmissionDecision.Refuse(NodeReasons.MalformedHello, $"the EK public area is {hello.EkPublic?.Length ?? 0} bytes, not a TPMT_PUBLIC (1 to {MaxPublicAreaBytes} bytes)");
        if (hello.AkPublic is not { Length: > 0 and <= MaxPublicAreaBytes })
            return AdmissionDecision.Refuse(NodeReasons.MalformedHello, $"the AK public area is {hello.AkPublic?.Length ?? 0} bytes, not a TPMT_PUBLIC (1 to {MaxPublicAreaBytes} bytes)");
        if (hello.EkCertificate is { Length: > EkCertificateLoader.MaxInputBytes })
            return AdmissionDecision.Refuse(NodeReasons.MalformedHello, $"the EK certificate is {hello.EkCertificate.Length} bytes, more than {EkCertificateLoader.MaxInputBytes}");

        TpmPublic ek, ak;
        try
        {
            ek = TpmPublic.Parse(hello.EkPublic);
        }
        catch (TpmParseException e)
        {
            return AdmissionDecision.Refuse(NodeReasons.MalformedHello, $"the EK public area is not a TPMT_PUBLIC: {e.Message}");
        }
        try
        {
            ak = TpmPublic.Parse(hello.AkPublic);
        }
        catch (TpmParseException e)
        {
            return AdmissionDecision.Refuse(NodeReasons.MalformedHello, $"the AK public area is not a TPMT_PUBLIC: {e.Message}");
        }

        var presented = hello.EkCertificate is { Length: > 0 } bytes ? bytes : null;
        byte[]? certificate = presented;
        bool pinned = false;
        if (declaration is null)
        {
            if (!options.Value.AdmitUndeclaredWithTrustedEkCa)
                return AdmissionDecision.Refuse(NodeReasons.NodeNotDeclared, $"node '{nodeName}' is not declared and undeclared admission is off");
        }
        else
        {
            if (!string.IsNullOrWhiteSpace(declaration.EkPublicSha256))
            {
                bool matches;
                try
                {
                    matches = EkPublicHash.Matches(ek, declaration.EkPublicSha256);
                }
                catch (FormatException e)
                {
                    return AdmissionDecision.Refuse(NodeReasons.EkPublicMismatch, $"the declaration's ekPublicSha256 cannot be compared: {e.Message}");
                }
                if (!matches)
                    return AdmissionDecision.Refuse(NodeReasons.EkPublicMismatch,
                        $"the presented EK hashes to {EkPublicHash.Compute(ek)}, not the declared ekPublicSha256 {declaration.EkPublicSha256.Trim().ToLowerInvariant()}: this is not the declared TPM");
                pinned = true;
            }
            if (declaration.EkCertificate is { Length: > 0 } declared)
            {
                var declaredDer = LoadDer(declared, out var declaredProblem);
                if (declaredDer is null)
                    return AdmissionDecision.Refuse(NodeReasons.EkCertMismatch, $"the declared EK certificate cannot be read: {declaredProblem}");
                if (presented is not null)
                {
                    var presentedDer = LoadDer(presented, out var presentedProblem);
                    if (presentedDer is null)
                        return AdmissionDecision.Refuse(NodeReasons.MalformedHello, $"the presented EK certificate cannot be read: {presentedProblem}");
                    if (!presentedDer.AsSpan().SequenceEqual(declaredDer))
                        return AdmissionDecision.Refuse(NodeReasons.EkCertMismatch, "the presented EK certificate is not the declared one");
                }
                using var loaded = EkCertificateLoader.Load(declaredDer);
                if (EkPublicKeyComparer.Compare(loaded, ek) is { } mismatch)
                    return AdmissionDecision.Refuse(NodeReasons.EkPublicMismatch, $"{mismatch}: the presented EK is not the declared TPM's");
                certificate = declaredDer;
                pinned = true;
            }
            if (!pinned && !options.Value.AdmitUndeclaredWithTrustedEkCa)
                return AdmissionDecision.Refuse(NodeReasons.NodeNotDeclared,
                    $"node '{nodeName}' is declared without an EK certificate or EK public hash, and admission by EK CA alone is off");
        }

        if (!pinned && enrolledEkPublic is { Length: > 0 })
        {
            // Admitted by its EK CA alone (undeclared, or declared without a pin): the EK it enrolled with stays its
            // pin, or any other TPM whose certificate chains to the same bundle could take the node's name over.
            var enrolled = EkPublicHash.Compute(TpmPublic.Parse(enrolledEkPublic));
            if (!EkPublicHash.Matches(ek, enrolled))
                return AdmissionDecision.Refuse(NodeReasons.EkPublicMismatch,
                    $"node '{nodeName}' enrolled with EK {enrolled} and its declaration pins no EK, so that one stays pinned; the presented EK hashes to {EkPublicHash.Compute(ek)}: to move the node to another TPM, declare that TPM's ekPublicSha256 or ekCertificate");
        }

        var validator = trust.GetValidator(out var bundleError);
        if (bundleError is not null)
            return AdmissionDecision.Refuse(EkCertificateReasons.Untrusted, bundleError);
        string? manufacturer = null;
        if (!pinned)
        {
            // Neither hash nor certificate was declared: the EK CA bundle is the only source of trust.
            if (validator is null)
                return AdmissionDecision.Refuse(NodeReasons.EkCaNotConfigured, $"node '{nodeName}' can only be admitted by its EK certificate chaining to the EK CA bundle, and none is configured");
            if (certificate is null)
                return AdmissionDecision.Refuse(NodeReasons.EkCertRequired, $"node '{nodeName}' can only be admitted by its EK certificate, and the hello carries none");
        }
        if (certificate is not null && validator is not null)
        {
            var result = validator.Validate(certificate, ek);
            if (!result.IsValid)
                return AdmissionDecision.Refuse(result.ReasonCode!, result.Detail);
            manufacturer = result.Device?.ManufacturerCode ?? result.Device?.Manufacturer;
        }

        var problems = AttestationKeyCheck.Check(ak, PolicyNames.ToQuotePolicy(policy));
        if (problems.Count > 0)
            return AdmissionDecision.Refuse(NodeReasons.AkAttributes, string.Join("; ", problems.Select(p => p.Detail)));

        return new AdmissionDecision(null, $"EK {EkPublicHash.Compute(ek)} admitted with AK {Convert.ToHexStringLower(ak.ComputeName())}", ek, ak, manufacturer);
    }

    private static byte[]? LoadDer(byte[] bytes, out string problem)
    {
        try
        {
            using var certificate = EkCertificateLoader.Load(bytes);
            problem = "";
            return certificate.RawData;
        }
        catch (TpmParseException e)
        {
            problem = e.Message;
            return null;
        }
    }
}
