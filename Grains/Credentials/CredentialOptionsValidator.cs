using System.Text;
using Microsoft.Extensions.Options;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Grains.Credentials;

/// <summary>Startup checks of <see cref="CredentialOptions"/>: "reason-code: sentence naming the key and the fix".</summary>
public sealed class CredentialOptionsValidator : IValidateOptions<CredentialOptions>
{
    public ValidateOptionsResult Validate(string? name, CredentialOptions options)
    {
        var errors = Errors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Errors(CredentialOptions options)
    {
        const string s = CredentialOptions.Section;
        var errors = new List<string>();
        if (options.Lifetime <= TimeSpan.Zero)
            errors.Add($"credentials-lifetime-invalid: {s}:Lifetime is {options.Lifetime}; use a positive time such as 1.00:00:00.");
        if (options.RenewBefore < TimeSpan.Zero || options.RenewBefore >= options.Lifetime)
            errors.Add($"credentials-renew-before-invalid: {s}:RenewBefore is {options.RenewBefore}; use zero or more and less than Lifetime ({options.Lifetime}), or every pass would renew.");
        if (options.Files.Count > CredentialBundle.MaxFiles)
            errors.Add($"credentials-too-many-files: {s}:Files lists {options.Files.Count} files; at most {CredentialBundle.MaxFiles} are delivered.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        long templateBytes = 0;
        for (int i = 0; i < options.Files.Count; i++)
        {
            var file = options.Files[i];
            if (CredentialBundle.NameProblem(file.Name) is { } problem)
                errors.Add($"credentials-file-name-invalid: {s}:Files:{i}:Name: {problem}.");
            else if (!names.Add(file.Name))
                errors.Add($"credentials-file-duplicate: {s}:Files:{i}:Name '{file.Name}' is listed twice.");
            bool hasContent = file.Content is not null, hasSource = !string.IsNullOrWhiteSpace(file.SourcePath);
            if (hasContent == hasSource)
                errors.Add($"credentials-file-source-invalid: {s}:Files:{i} ('{file.Name}') must set exactly one of Content and SourcePath.");
            templateBytes += Encoding.UTF8.GetByteCount(file.Content ?? "");
        }
        if (templateBytes > CredentialBundle.MaxContentBytes)
            errors.Add($"credentials-too-large: the {s}:Files templates exceed {CredentialBundle.MaxContentBytes} bytes in all; deliver less.");
        return errors;
    }
}
