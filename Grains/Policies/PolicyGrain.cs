using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;
using OrleansAttest.Grains.Listing;

namespace OrleansAttest.Grains.Policies;

/// <summary>
/// One named policy. Writes are validated (<see cref="PolicyValidator"/>) and a refused write changes nothing; an
/// accepted one bumps <see cref="AttestationPolicy.Version"/>. Nodes read policies through the per-silo
/// <see cref="IPolicySource"/> cache, so a change reaches them within the cache's TTL without a restart.
/// </summary>
public sealed class PolicyGrain(
    [PersistentState("policy", StorageNames.State)] IPersistentState<PolicyState> state,
    IPolicySource cache,
    ILogger<PolicyGrain> logger) : Grain, IPolicyGrain
{
    public async Task<OperationResult> SetAsync(AttestationPolicy policy)
    {
        var name = this.GetPrimaryKeyString();
        var (problems, normalized) = PolicyValidator.Validate(policy);
        if (normalized is null)
        {
            var detail = $"policy '{name}' was not stored: {string.Join("; ", problems)}";
            logger.LogWarning("Policy {Policy} refused: {Problems}", name, string.Join("; ", problems));
            return OperationResult.Refused(PolicyValidator.InvalidReason, detail);
        }
        if (!string.Equals(normalized.Name, name, StringComparison.Ordinal))
            return OperationResult.Refused(PolicyValidator.InvalidReason,
                $"the policy is named '{normalized.Name}' but was written to policy '{name}': the name is the policy's identity");

        var version = state.State.LastVersion + 1;
        state.State.Policy = normalized with { Version = version };
        state.State.LastVersion = version;
        await state.WriteStateAsync();
        cache.Invalidate(name);
        await RegisterAsync(name, stored: true);
        logger.LogInformation("Policy {Policy} stored as version {Version}", name, version);
        return OperationResult.Ok($"policy '{name}' stored as version {version}");
    }

    public Task<AttestationPolicy?> GetAsync() => Task.FromResult(state.State.Policy);

    public async Task DeleteAsync()
    {
        var name = this.GetPrimaryKeyString();
        if (state.State.Policy is null)
            return;
        state.State.Policy = null;
        await state.WriteStateAsync();
        cache.Invalidate(name);
        await RegisterAsync(name, stored: false);
        logger.LogInformation("Policy {Policy} deleted", name);
    }

    /// <summary>Re-registers a stored policy on activation, so a registration lost to a failure comes back.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Policy is not null)
            await RegisterAsync(this.GetPrimaryKeyString(), stored: true);
    }

    /// <summary>Keeps the policy directory in step; its failure is logged and never fails the policy's own write.</summary>
    private async Task RegisterAsync(string name, bool stored)
    {
        try
        {
            var directory = GrainFactory.GetGrain<IPolicyDirectoryGrain>(NodeDirectory.PolicyDirectoryKey);
            await (stored ? directory.AddAsync(name) : directory.RemoveAsync(name));
        }
        catch (Exception e)
        {
            ServiceProvider.GetService<DirectoryMetrics>()?.RecordFailure("policy");
            logger.LogWarning(e, "Policy {Policy}: the policy directory could not be updated; it is retried when the policy grain next activates", name);
        }
    }
}
