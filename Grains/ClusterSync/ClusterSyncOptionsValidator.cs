using Microsoft.Extensions.Options;

namespace OrleansAttest.Grains.ClusterSync;

/// <summary>Startup checks of <see cref="ClusterSyncOptions"/>: "reason-code: sentence naming the key and the fix".</summary>
public sealed class ClusterSyncOptionsValidator : IValidateOptions<ClusterSyncOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterSyncOptions options)
    {
        var errors = Errors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Errors(ClusterSyncOptions o)
    {
        const string s = ClusterSyncOptions.Section;
        var errors = new List<string>();
        if (o.RetryInitialDelay <= TimeSpan.Zero)
            errors.Add($"cluster-sync-retry-initial-delay-invalid: {s}:RetryInitialDelay is {o.RetryInitialDelay}; use a positive time such as 00:00:01.");
        if (o.RetryMaxDelay < o.RetryInitialDelay)
            errors.Add($"cluster-sync-retry-max-delay-invalid: {s}:RetryMaxDelay is {o.RetryMaxDelay}, below RetryInitialDelay {o.RetryInitialDelay}; use at least RetryInitialDelay.");
        if (o.Jitter is < 0 or > 0.5 || double.IsNaN(o.Jitter))
            errors.Add($"cluster-sync-jitter-invalid: {s}:Jitter is {o.Jitter}; use a fraction from 0 to 0.5.");
        if (o.SyncTimeout <= TimeSpan.Zero)
            errors.Add($"cluster-sync-timeout-invalid: {s}:SyncTimeout is {o.SyncTimeout}; use a positive time such as 00:00:30.");
        if (o.MaxConcurrentNodes < 1)
            errors.Add($"cluster-sync-max-concurrent-nodes-invalid: {s}:MaxConcurrentNodes is {o.MaxConcurrentNodes}; use at least 1.");
        if (o.MaxTransitionsPerNode < 1)
            errors.Add($"cluster-sync-max-transitions-invalid: {s}:MaxTransitionsPerNode is {o.MaxTransitionsPerNode}; use at least 1.");
        if (o.ReminderPeriod < TimeSpan.FromSeconds(1))
            errors.Add($"cluster-sync-reminder-period-invalid: {s}:ReminderPeriod is {o.ReminderPeriod}; use at least Orleans' minimum reminder period (one minute in production).");
        if (o.TickInterval <= TimeSpan.Zero || o.TickInterval > TimeSpan.FromSeconds(10))
            errors.Add($"cluster-sync-tick-interval-invalid: {s}:TickInterval is {o.TickInterval}; use a positive time up to 00:00:10.");
        return errors;
    }
}
