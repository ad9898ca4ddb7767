using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;

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
        logger.LogInformation("Policy {Policy} deleted", name);
    }
}
