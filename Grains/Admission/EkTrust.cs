using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Grains.Admission;

/// <summary>
/// The silo's EK certificate validator, built once from <see cref="AdmissionOptions.EkCaBundle"/>. A bundle that is
/// configured but cannot be loaded makes every certificate check fail (fail closed) instead of skipping the chain.
/// </summary>
public sealed class EkTrust
{
    private readonly Lazy<(EkCertificateValidator? Validator, string? Error)> _validator;

    public EkTrust(IOptions<AdmissionOptions> options, TimeProvider time, ILogger<EkTrust> logger)
    {
        _validator = new Lazy<(EkCertificateValidator?, string?)>(() =>
        {
            var path = options.Value.EkCaBundle;
            if (string.IsNullOrWhiteSpace(path))
                return (null, null);
            try
            {
                var bundle = EkCaBundle.Load(path);
                logger.LogInformation("EK CA bundle {Path} loaded: {Roots} roots, {Intermediates} intermediates",
                    path, bundle.Roots.Count, bundle.Intermediates.Count);
                return (new EkCertificateValidator(bundle, time: time), null);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                logger.LogError(e, "EK CA bundle {Path} cannot be loaded; every EK certificate will be refused", path);
                return (null, $"the EK CA bundle '{path}' cannot be loaded: {e.Message}");
            }
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>True when a bundle is configured (whether or not it loaded).</summary>
    public bool IsConfigured => _validator.Value.Validator is not null || _validator.Value.Error is not null;

    /// <summary>The validator, or null with <paramref name="error"/> set when the configured bundle failed to load, or both null when none is configured.</summary>
    public EkCertificateValidator? GetValidator(out string? error)
    {
        (var validator, error) = _validator.Value;
        return validator;
    }
}
