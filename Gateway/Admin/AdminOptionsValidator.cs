using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansAttest.Gateway.Admin;

/// <summary>
/// Startup checks of <see cref="AdminOptions"/>, each "reason-code: sentence naming the key". Without any token source
/// the API refuses to start: an admin API that anyone could call must never come up by accident.
/// </summary>
public sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var errors = Errors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Errors(AdminOptions options)
    {
        const string s = AdminOptions.SectionName;
        var errors = new List<string>();
        bool hasToken = !string.IsNullOrEmpty(options.Token), hasFile = !string.IsNullOrEmpty(options.TokenFile);
        if (hasToken && hasFile)
            errors.Add($"admin-token-ambiguous: both {s}:Token and {s}:TokenFile are set; set exactly one.");
        else if (hasToken && options.Token!.Trim().Length < AdminOptions.MinTokenLength)
            errors.Add($"admin-token-too-short: {s}:Token has {options.Token.Trim().Length} characters; use at least {AdminOptions.MinTokenLength} (e.g. openssl rand -base64 32).");
        else if (hasFile && !File.Exists(options.TokenFile))
            errors.Add($"admin-token-file-not-found: {s}:TokenFile '{options.TokenFile}' does not exist.");
        else if (!hasToken && !hasFile && string.IsNullOrEmpty(options.GenerateTokenDirectory))
            errors.Add($"admin-token-missing: none of {s}:Token, {s}:TokenFile or {s}:GenerateTokenDirectory is set, so the admin API would be open to anyone; it refuses to start.");
        if (options.Port is < 1 or > 65535)
            errors.Add($"admin-port-invalid: {s}:Port is {options.Port}; use 1 to 65535.");
        if (!IPAddress.TryParse(options.ListenAddress, out _))
            errors.Add($"admin-listen-address-invalid: {s}:ListenAddress '{options.ListenAddress}' is not an IP address.");
        return errors;
    }
}
