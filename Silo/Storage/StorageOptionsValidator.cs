using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrleansAttest.Silo.Storage;

/// <summary>Checks <see cref="StorageOptions"/>; each failure is "reason-code: sentence naming the key and the fix".</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var errors = Errors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem, or returns when the options are usable.</summary>
    public static void ThrowIfInvalid(StorageOptions options)
    {
        var errors = Errors(options);
        if (errors.Count > 0)
            throw new OptionsValidationException(StorageOptions.SectionName, typeof(StorageOptions), errors);
    }

    public static IReadOnlyList<string> Errors(StorageOptions options)
    {
        const string section = StorageOptions.SectionName;
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Mode))
            errors.Add($"storage-mode-unknown: {section}:Mode is {(int)options.Mode}; use Embedded or Redis.");
        if (options.Clustering is { } clustering && !Enum.IsDefined(clustering))
            errors.Add($"storage-clustering-unknown: {section}:Clustering is {(int)clustering}; use Localhost or Redis.");

        if (options.Mode == StorageMode.Redis)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                errors.Add($"storage-connection-string-missing: {section}:ConnectionString is required when {section}:Mode is Redis " +
                    "(for example OrleansAttest__Storage__ConnectionString=redis:6379).");
            else if (ParseError(options.ConnectionString) is { } parseError)
                errors.Add($"storage-connection-string-invalid: {section}:ConnectionString could not be parsed: {parseError}");
        }
        else if (options.Mode == StorageMode.Embedded)
        {
            if (!string.IsNullOrWhiteSpace(options.ConnectionString))
                errors.Add($"storage-connection-string-unused: {section}:ConnectionString is set but {section}:Mode is Embedded; " +
                    "set Mode to Redis to use that server, or remove the connection string.");
            if (string.IsNullOrWhiteSpace(options.DataDirectory))
                errors.Add($"storage-data-directory-missing: {section}:DataDirectory must name a directory for the embedded Garnet's data.");
            if (options.GarnetPort is < 1 or > 65535)
                errors.Add($"storage-garnet-port-invalid: {section}:GarnetPort is {options.GarnetPort}; use a TCP port between 1 and 65535.");
            if (string.IsNullOrWhiteSpace(options.GarnetMemory))
                errors.Add($"storage-garnet-memory-missing: {section}:GarnetMemory must be a size such as 256m.");
            if (string.IsNullOrWhiteSpace(options.GarnetIndex))
                errors.Add($"storage-garnet-index-missing: {section}:GarnetIndex must be a size such as 16m.");
            if (options.CheckpointIntervalSeconds < 0)
                errors.Add($"storage-checkpoint-interval-invalid: {section}:CheckpointIntervalSeconds is {options.CheckpointIntervalSeconds}; use 0 (off) or a positive number of seconds.");
        }
        return errors;
    }

    private static string? ParseError(string connectionString)
    {
        try
        {
            var parsed = ConfigurationOptions.Parse(connectionString);
            return parsed.EndPoints.Count == 0 ? "it names no endpoint (host:port)." : null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
