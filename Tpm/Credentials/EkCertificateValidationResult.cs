namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// Outcome of EK certificate validation: valid (ReasonCode null) or a stable <see cref="EkCertificateReasons"/>
/// code with a detail text naming the exact problem. Device is read from the SubjectAltName when present.
/// </summary>
public sealed record EkCertificateValidationResult(string? ReasonCode, string Detail, TpmDeviceInfo? Device = null, DateTimeOffset? NotAfter = null)
{
    public bool IsValid => ReasonCode is null;

    public static EkCertificateValidationResult Valid(string detail, TpmDeviceInfo? device, DateTimeOffset notAfter) => new(null, detail, device, notAfter);

    public static EkCertificateValidationResult Fail(string reasonCode, string detail, TpmDeviceInfo? device = null) => new(reasonCode, detail, device);

    public override string ToString() => IsValid ? $"valid: {Detail}" : $"{ReasonCode}: {Detail}";
}
