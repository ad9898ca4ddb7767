using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Admission;
using OrleansAttest.Grains.Audit;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Lifecycle;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Polling;
using OrleansAttest.Grains.Observability;
using OrleansAttest.Grains.Verification;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Node;

/// <summary>
/// One edge device (key: node name): admission, activation, polling, verdicts, operator actions — split into partial
/// files by concept. Non-reentrant, and its timer does not interleave, so every call and tick runs alone.
/// Rules kept everywhere: state is written before anything is acted on (agent call, failure actions); a refusal
/// carries a reason code and a sentence; no exception leaves a grain call (an unexpected one refuses and reloads).
/// </summary>
public sealed partial class EdgeNodeGrain(
    [PersistentState("node", StorageNames.State)] IPersistentState<EdgeNodeState> state,
    AdmissionCheck admission,
    IOptions<AdmissionOptions> admissionOptions,
    IOptions<PollingOptions> pollingOptions,
    IPolicySource policies,
    QuoteJudge judge,
    IAuditLog audit,
    AuditFailureReporter auditFailures,
    IEnumerable<INodeLifecycleActions> lifecycleActions,
    AttestationMetrics metrics,
    NodePhaseTracker phaseTracker,
    NodeCredentials credentials,
    TimeProvider time,
    ILogger<EdgeNodeGrain> logger) : Grain, IEdgeNodeGrain, IRemindable
{
    public const string InternalErrorReason = "internal-error";

    private readonly INodeLifecycleActions[] _actions = lifecycleActions.ToArray();

    private EdgeNodeState State => state.State;

    /// <summary>The grain key, decoded once: every verdict names the node several times (logs, audit, directory report).</summary>
    private string NodeName => _nodeName ??= this.GetPrimaryKeyString();

    private string? _nodeName;

    private DateTimeOffset Now => time.GetUtcNow();

    private string? PolicyName => State.Declaration?.PolicyName;

    /// <summary>When this activation last wrote (or read) the node's state; a deferred verdict waits at most VerdictWriteInterval after it.</summary>
    private DateTimeOffset _lastPersisted;

    /// <summary>True while a passing verdict's bookkeeping is in memory only (<see cref="PollingOptions.VerdictWriteInterval"/>).</summary>
    private bool _unpersisted;

    /// <summary>The stored <see cref="EdgeNodeState.LastValidQuote"/> (what a new activation would read).</summary>
    private DateTimeOffset? _persistedLastValidQuote;

    /// <summary>Set when a failure dropped this activation: its memory may be ahead of storage and must not be written.</summary>
    private bool _reloadRequested;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activationStartedAt = Now;
        _lastPersisted = Now;
        _persistedLastValidQuote = State.LastValidQuote;
        phaseTracker.Set(NodeName, State.Phase);
        _timer = this.RegisterGrainTimer(OnTickAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan)
        {
            Interleave = false,
            KeepAlive = true,
        });
        // Resume at once after a silo loss or cluster restart: the bound channel is in state, so polling needs nobody's help.
        if (IsPolled(State.Phase))
            ScheduleTick(TimeSpan.Zero);
        if (state.RecordExists)
            ReportToDirectory();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        phaseTracker.Remove(NodeName);
        _timer?.Dispose();
        _timer = null;
        ReportDeactivation(reason);
        // A graceful stop loses no deferred verdict. Not after a failure: that activation's memory is what is not trusted.
        if (_unpersisted && !_reloadRequested)
        {
            try
            {
                await PersistAsync();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Node {Node}: its deferred verdict bookkeeping could not be written on deactivation", NodeName);
            }
        }
    }

    public Task<EdgeNodeStatus> GetStatusAsync() => Task.FromResult(BuildStatus());

    public async Task<IReadOnlyList<AuditEntry>> GetAuditAsync(int max = 100)
    {
        try
        {
            return await audit.ReadAsync(NodeName, Math.Clamp(max, 1, 1000));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Node {Node}: the audit stream could not be read", NodeName);
            return [new AuditEntry(Now, "audit-unavailable", State.Phase, null, InternalErrorReason, $"the audit stream could not be read: {e.Message}")];
        }
    }

    private EdgeNodeStatus BuildStatus()
    {
        var s = State;
        string? akName = null, ekHash = null;
        if (s.AkPublic is { } ak)
            akName = TryDescribe(() => Convert.ToHexStringLower(TpmPublic.Parse(ak).ComputeName()));
        if (s.EkPublic is { } ek)
            ekHash = TryDescribe(() => EkPublicHash.Compute(TpmPublic.Parse(ek)));
        return new EdgeNodeStatus(NodeName, s.Phase, s.ReasonCode, s.Detail, PolicyName,
            s.Declaration is not null && !s.AdmittedByEkCa, akName, ekHash, s.LastAttestation, s.Attestations, s.Failures,
            s.Baseline?.ResetCount, s.Baseline?.RestartCount, s.Baseline?.FirmwareVersion, s.ChannelId is not null,
            s.LastValidQuote, _nextTick, s.TpmManufacturer, s.PhaseSince);
    }

    private static string? TryDescribe(Func<string> describe)
    {
        try
        {
            return describe();
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// Persists a phase change, then audits it and runs the lifecycle actions — in that order, so a crash after
    /// the write never forgets the change and actions never run for a change that was not stored. With
    /// <paramref name="bookkeepingOnly"/> (a pass that changes nothing a restart needs) and neither phase nor reason
    /// changing, the write may be deferred (<see cref="PollingOptions.VerdictWriteInterval"/>); nothing is acted on then.
    /// </summary>
    private async Task TransitionAsync(NodePhase to, string? reasonCode, string detail, string auditKind, bool? passed = null,
        AttestationPolicy? policy = null, Action<EdgeNodeState>? mutate = null, bool bookkeepingOnly = false)
    {
        var from = State.Phase;
        var now = Now;
        var deferrable = bookkeepingOnly && from == to && State.ReasonCode == reasonCode;
        // The agent and policy of the node when the change happened (a delete or suspension clears them in the same write).
        var channel = Channel;
        var policyName = PolicyName;
        State.Phase = to;
        State.ReasonCode = reasonCode;
        State.Detail = detail;
        if (from != to)
            State.PhaseSince = now;
        mutate?.Invoke(State);
        ClearCredentialsUnlessTrusted(State, to);
        if (deferrable && now - _lastPersisted < pollingOptions.Value.VerdictWriteInterval)
            _unpersisted = true;
        else
            await PersistAsync();
        phaseTracker.Set(NodeName, to);
        ReportToDirectory();
        await AuditAsync(auditKind, passed, reasonCode, detail);
        if (from != to)
            await RunLifecycleActionsAsync(new NodeTransition(NodeName, from, to, reasonCode, detail, now, policyName,
                policy?.FailureActions ?? [], channel));
    }

    /// <summary>Writes the node's state; every write goes through here so a deferred verdict is never left behind.</summary>
    private async Task PersistAsync()
    {
        await state.WriteStateAsync();
        _lastPersisted = Now;
        _unpersisted = false;
        _persistedLastValidQuote = State.LastValidQuote;
    }

    private async Task AuditAsync(string kind, bool? passed, string? reasonCode, string detail)
    {
        try
        {
            await audit.AppendAsync(NodeName, new AuditEntry(Now, kind, State.Phase, passed, reasonCode, detail));
        }
        catch (Exception e)
        {
            // The change is already in grain state; a lost audit line is counted and logged rather than failing the node.
            auditFailures.Report(NodeName, kind, reasonCode, e);
        }
    }

    /// <summary>Tells the lifecycle actions the node answers to another policy now (its phase unchanged).</summary>
    private async Task RunPolicyChangedActionsAsync()
    {
        var current = new NodeTransition(NodeName, State.Phase, State.Phase, State.ReasonCode, State.Detail, State.PhaseSince, PolicyName, [], Channel);
        foreach (var action in _actions)
        {
            try
            {
                await action.OnPolicyChangedAsync(current);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Node {Node}: lifecycle action {Action} failed for the change to policy {Policy}", NodeName, action.GetType().Name, PolicyName);
            }
        }
    }

    private async Task RunLifecycleActionsAsync(NodeTransition transition)
    {
        foreach (var action in _actions)
        {
            try
            {
                await action.OnPhaseChangedAsync(transition);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Node {Node}: lifecycle action {Action} failed for {From} -> {To}",
                    NodeName, action.GetType().Name, transition.From, transition.To);
            }
        }
    }

    /// <summary>
    /// Runs a grain call so that nothing escapes it: an unexpected exception (storage down, a bug) is logged and
    /// answered with <paramref name="onError"/>, and the activation is dropped so the next call reloads the
    /// stored state instead of trusting an in-memory state that may not have been written.
    /// </summary>
    private async Task<T> GuardedAsync<T>(string operation, Func<Task<T>> body, Func<string, T> onError)
    {
        try
        {
            return await body();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Node {Node}: {Operation} failed unexpectedly; the activation will reload its stored state", NodeName, operation);
            RequestReload();
            return onError($"{operation} could not complete ({e.GetType().Name}: {e.Message}); nothing was changed, try again");
        }
    }

    /// <summary>Drops this activation without writing anything more; the next call (or the watchdog shard's wake) reloads the stored state.</summary>
    private void RequestReload()
    {
        _reloadRequested = true;
        DeactivateOnIdle();
    }

    private OperationResult Refuse(string operation, string reasonCode, string detail)
    {
        metrics.RecordRefusal(operation, reasonCode);
        logger.LogInformation("Node {Node}: {Operation} refused ({Reason}): {Detail}", NodeName, operation, reasonCode, detail);
        return OperationResult.Refused(reasonCode, detail);
    }

    /// <summary>
    /// Hello and activation are refused for these phases and for suspended or deleted declarations. The detail goes to
    /// whoever named the node, before any key is checked: it names the reason code, never the verdict's detail or the
    /// operator's words (those stay in status and audit).
    /// </summary>
    private (string Code, string Detail)? RefusalForPhase()
    {
        return State.Phase switch
        {
            NodePhase.Deleted => (NodeReasons.NodeDeleted, $"node '{NodeName}' was deleted; declare it again first"),
            NodePhase.Failed => (NodeReasons.NodeFailed, $"node '{NodeName}' failed ({State.ReasonCode}); an operator must reset it first"),
            NodePhase.Revoked => (NodeReasons.NodeRevoked, $"node '{NodeName}' was revoked; an operator must reset it first"),
            _ when State.Declaration?.Suspend == true => (NodeReasons.NodeSuspended, $"node '{NodeName}' is suspended by its declaration"),
            _ => null,
        };
    }
}
