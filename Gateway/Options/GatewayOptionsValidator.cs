using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansAttest.Gateway.Options;

/// <summary>Checks <see cref="GatewayOptions"/>; each failure is "reason-code: sentence naming the key and the fix".</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options) =>
        Errors(options) is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;

    public static IReadOnlyList<string> Errors(GatewayOptions options)
    {
        var errors = new List<string>();
        const string g = GatewayOptions.SectionName;
        if (!options.Enabled)
            return errors;
        if (options.Port is < 1 or > 65535)
            errors.Add($"gateway-port-invalid: {g}:Port is {options.Port}; use a TCP port between 1 and 65535.");
        if (!IPAddress.TryParse(options.ListenAddress, out _))
            errors.Add($"gateway-listen-address-invalid: {g}:ListenAddress '{options.ListenAddress}' is not an IP address (e.g. 0.0.0.0, ::, 127.0.0.1).");
        if (options.MaxMessageBytes <= 0)
            errors.Add($"gateway-max-message-invalid: {g}:MaxMessageBytes is {options.MaxMessageBytes}; use a positive number of bytes.");
        if (options.HandshakeTimeout <= TimeSpan.Zero)
            errors.Add($"gateway-handshake-timeout-invalid: {g}:HandshakeTimeout is {options.HandshakeTimeout}; use a positive time such as 00:00:30.");
        if (options.OutboundQueueCapacity <= 0)
            errors.Add($"gateway-queue-capacity-invalid: {g}:OutboundQueueCapacity is {options.OutboundQueueCapacity}; use a positive number.");
        if (options.CloseFlushTimeout < TimeSpan.Zero)
            errors.Add($"gateway-close-flush-timeout-invalid: {g}:CloseFlushTimeout is {options.CloseFlushTimeout}; use zero or a positive time.");
        if (options.MaxStreamsPerAddress < 0)
            errors.Add($"gateway-max-streams-per-address-invalid: {g}:MaxStreamsPerAddress is {options.MaxStreamsPerAddress}; use 0 (unlimited) or a positive number.");
        if (options.MaxStreams < 0)
            errors.Add($"gateway-max-streams-invalid: {g}:MaxStreams is {options.MaxStreams}; use 0 (unlimited) or a positive number.");
        if (options.MaxStreamsPerConnection <= 0)
            errors.Add($"gateway-max-streams-per-connection-invalid: {g}:MaxStreamsPerConnection is {options.MaxStreamsPerConnection}; use a positive number (Kestrel's default is 100).");
        if (options.MaxConcurrentHandshakes < 0)
            errors.Add($"gateway-max-concurrent-handshakes-invalid: {g}:MaxConcurrentHandshakes is {options.MaxConcurrentHandshakes}; use 0 (unlimited) or a positive number.");
        if (options.MaxHandshakesPerNode < 0)
            errors.Add($"gateway-max-handshakes-per-node-invalid: {g}:MaxHandshakesPerNode is {options.MaxHandshakesPerNode}; use 0 (unlimited) or a positive number.");
        if (options.MaxConcurrentRelays < 0)
            errors.Add($"gateway-max-concurrent-relays-invalid: {g}:MaxConcurrentRelays is {options.MaxConcurrentRelays}; use 0 (unlimited) or a positive number.");
        if (options.MaxRetryAfter < TimeSpan.FromSeconds(1) || options.MaxRetryAfter > TimeSpan.FromHours(1))
            errors.Add($"gateway-max-retry-after-invalid: {g}:MaxRetryAfter is {options.MaxRetryAfter}; use a time between 00:00:01 and 01:00:00 (agents cap a retry-after hint at one hour).");
        var tls = options.Tls;
        if (string.IsNullOrEmpty(tls.CertificatePath) != string.IsNullOrEmpty(tls.KeyPath))
            errors.Add($"gateway-tls-incomplete: {g}:Tls needs both CertificatePath and KeyPath (PEM files), or neither.");
        else if (!string.IsNullOrEmpty(tls.CertificatePath))
        {
            if (!File.Exists(tls.CertificatePath))
                errors.Add($"gateway-tls-certificate-not-found: {g}:Tls:CertificatePath '{tls.CertificatePath}' does not exist.");
            if (!File.Exists(tls.KeyPath))
                errors.Add($"gateway-tls-key-not-found: {g}:Tls:KeyPath '{tls.KeyPath}' does not exist.");
        }
        else if (string.IsNullOrEmpty(tls.DevelopmentCaDirectory))
            errors.Add($"gateway-tls-missing: {g}:Tls has no certificate; set CertificatePath and KeyPath, or DevelopmentCaDirectory for a development CA.");
        return errors;
    }
}
