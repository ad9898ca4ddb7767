using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Polling;

namespace OrleansAttest.Grains.Node;

public sealed partial class EdgeNodeGrain
{
    private IGrainTimer? _timer;
    private DateTimeOffset? _nextTick;
    /// <summary>True while a tick runs (a wake interleaving with it must not arm another).</summary>
    private bool _ticking;
    private OutstandingRequest? _outstanding;
    /// <summary>
    /// The last request that expired unanswered. Its answer may have reached the gateway in time and still be queued
    /// inside an overloaded verifier, so it is judged until <see cref="OutstandingRequest.ExpiresAt"/> plus
    /// <see cref="PollingOptions.RelayGrace"/> when the gateway read it by the deadline.
    /// </summary>
    private OutstandingRequest? _overdue;
    private readonly RecentRequests _recent = new();
    private int _consecutiveTimeouts;
    /// <summary>Answers in a row that reached the gateway in time but the grain only after the relay grace (the verifier's delay, not the node's).</summary>
    private int _answeredTooLate;
    /// <summary>When this activation started: a deadline already past by then fell in the verifier's own downtime.</summary>
    private DateTimeOffset _activationStartedAt;
    private IAgentChannel? _channel;
    /// <summary>The stored channel id <see cref="_channel"/> was resolved from (compared instead of formatting the reference's id).</summary>
    private string? _channelId;

    /// <summary>The bound agent, resolved from its persisted GrainId (an observer reference survives reactivation).</summary>
    private IAgentChannel? Channel
    {
        get
        {
            if (State.ChannelId is not { } id)
                return null;
            if (_channel is not null && string.Equals(_channelId, id, StringComparison.Ordinal))
                return _channel;
            try
            {
                _channel = GrainFactory.GetGrain<IAgentChannel>(GrainId.Parse(id));
                _channelId = id;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Node {Node}: the stored agent channel {Channel} cannot be resolved", NodeName, id);
                _channel = null;
                _channelId = null;
            }
            return _channel;
        }
    }

    /// <summary>Phases whose node is polled (Failed only under autoRecover, which the tick checks against the policy).</summary>
    private static bool IsPolled(NodePhase phase) =>
        phase is NodePhase.Activated or NodePhase.Attested or NodePhase.Enrolled or NodePhase.Unreachable or NodePhase.Failed;

    /// <summary>Phases from which a node becomes Unreachable when no valid quote arrives in time.</summary>
    private static bool CanBecomeUnreachable(NodePhase phase) =>
        phase is NodePhase.Activated or NodePhase.Attested or NodePhase.Enrolled;

    private async Task OnTickAsync(CancellationToken cancellationToken)
    {
        _nextTick = null;
        _ticking = true;
        try
        {
            await TickAsync();
        }
        catch (Exception e)
        {
            // Only a storage write can fail here (lookups, audit and actions catch their own faults), so the in-memory
            // state may be ahead of storage: drop this activation. Its watchdog shard (told on deactivation) brings the
            // node back from what was stored, so it never silently stops being polled.
            logger.LogError(e, "Node {Node}: poll tick failed; the activation will reload its stored state", NodeName);
            RequestReload();
        }
        finally
        {
            _ticking = false;
        }
    }

    private async Task TickAsync()
    {
        if (!IsPolled(State.Phase))
        {
            RetireOutstanding();
            await RemoveWatchdogAsync();
            return;
        }
        var policyName = PolicyName ?? "";
        var lookup = await policies.GetAsync(policyName);
        if (lookup.Unavailable)
        {
            // A policy grain on a dying silo is not the node's fault: wait, do not judge.
            _consecutiveTimeouts++;
            ScheduleTick(RetryDelay(TimeSpan.FromMinutes(1)));
            return;
        }
        if (lookup.Policy is not { } policy)
        {
            RetireOutstanding();
            if (State.Phase != NodePhase.Failed)
                await TransitionAsync(NodePhase.Failed, NodeReasons.PolicyNotFound,
                    $"policy '{policyName}' of node '{NodeName}' does not exist, so its quotes cannot be judged", "policy-missing", passed: null);
            await RemoveWatchdogAsync();
            return;
        }
        if (State.Phase == NodePhase.Failed && !policy.AutoRecover)
        {
            RetireOutstanding();
            await RemoveWatchdogAsync();
            return;
        }
        await EnsureWatchdogAsync();

        var now = Now;
        if (_outstanding is { } outstanding)
        {
            if (now < outstanding.ExpiresAt)
            {
                // The deadline may fall while a request is out; without this check the capped timer would spin until it expires.
                await CheckUnreachableAsync(policy, now);
                ScheduleTick(outstanding.ExpiresAt - now, policy);
                return;
            }
            ExpireOutstanding();
            _consecutiveTimeouts++;
            logger.LogInformation("Node {Node}: quote request {Request} timed out after {Timeout} ({Count} in a row)",
                NodeName, outstanding.RequestId, policy.ResponseTimeout, _consecutiveTimeouts);
            await CheckUnreachableAsync(policy, now);
            ScheduleTick(RetryDelay(policy.QuoteInterval), policy);
            return;
        }
        await CheckUnreachableAsync(policy, now);
        if (_overdue is { } overdue && now < JudgedUntil(overdue))
        {
            // Its answer may still be queued inside the verifier: a second request now would double the work of a
            // verifier that is already behind (two answers per node, each judged). Ask again once it can no longer come.
            ScheduleTick(JudgedUntil(overdue) - now, policy);
            return;
        }
        await IssueRequestAsync(policy);
    }

    /// <summary>Requests a quote now (after activation or reset) instead of waiting for a tick.</summary>
    private async Task PollNowAsync()
    {
        RetireOutstanding();
        var lookup = await policies.GetAsync(PolicyName ?? "");
        if (lookup.Policy is { } policy)
            await IssueRequestAsync(policy);
        else
            ScheduleTick(TimeSpan.Zero); // the tick sorts out a missing or unreadable policy
    }

    private async Task IssueRequestAsync(AttestationPolicy policy)
    {
        var channel = Channel;
        if (channel is null)
        {
            // Nobody to ask; keep the unreachable deadline watched.
            ScheduleTick(policy.QuoteInterval, policy);
            return;
        }
        var now = Now;
        // Ask only for what this activation has not replayed yet (DESIGN.md step 5); 0 when nothing is held.
        long offset = policy.EffectiveEventLog == EventLogRequirement.Ignored ? 0 : _eventLog?.Length ?? 0;
        var request = new OutstandingRequest(Guid.NewGuid(), RandomNumberGenerator.GetBytes(32), policy.PcrSelection, now, now + policy.ResponseTimeout,
            policy.Version, offset);
        if (_outstanding is { } superseded)
            _recent.Add(superseded.RequestId);
        _outstanding = request;
        try
        {
            await channel.RequestQuoteAsync(new QuoteRequest(request.RequestId, request.Nonce, request.PcrSelection, offset, request.ExpiresAt,
                JudgedUntil(request)));
        }
        catch (Exception e)
        {
            // One-way: this fails only when the message cannot be sent; the timeout and retry handle it like silence.
            logger.LogWarning(e, "Node {Node}: quote request {Request} could not be sent", NodeName, request.RequestId);
        }
        ScheduleTick(policy.ResponseTimeout, policy);
    }

    private async Task CheckUnreachableAsync(AttestationPolicy policy, DateTimeOffset now)
    {
        if (!CanBecomeUnreachable(State.Phase))
            return;
        var since = UnreachableSince();
        if (now < UnreachableDeadline(since, policy))
            return;
        bool forgivenAlready = State.WatchSince is { } watched && watched == since;
        if (!forgivenAlready && _activationStartedAt >= since + policy.UnreachableAfter)
        {
            // The deadline passed while no activation watched the node (a silo loss or cluster restart): the verifier's
            // downtime is not held against it — once per silence (until the next valid quote or activation), and
            // persisted, so further reactivations cannot extend it.
            State.WatchSince = _activationStartedAt;
            await PersistAsync();
            logger.LogInformation("Node {Node}: its unreachable deadline passed while the verifier was not watching it; the clock restarts from {Since:u}",
                NodeName, _activationStartedAt);
            return;
        }
        await TransitionAsync(NodePhase.Unreachable, NodeReasons.Unreachable,
            $"no valid quote since {since:u} (unreachableAfter {policy.UnreachableAfter}); {SilenceDetail()}", "unreachable", passed: null, policy);
    }

    /// <summary>Why no valid quote came: no agent, silence, or (named apart, since it is the verifier's fault) answers the verifier judged too late.</summary>
    private string SilenceDetail()
    {
        if (State.ChannelId is null)
            return "no agent is connected";
        var silence = _consecutiveTimeouts == 0 && _outstanding is { } waiting
            ? $"the request sent at {waiting.IssuedAt:u} is not answered yet"
            : $"{_consecutiveTimeouts} requests in a row went unanswered";
        return _answeredTooLate == 0 ? silence
            : $"{silence}; {_answeredTooLate} of them were answered in time but waited inside the verifier longer than {PollingOptions.Section}:RelayGrace ({pollingOptions.Value.RelayGrace}): the verifier is overloaded";
    }

    /// <summary>
    /// When the node becomes Unreachable: <paramref name="since"/> plus unreachableAfter, or, while a request issued
    /// before then may still have an answer the gateway received in time queued inside the verifier, up to
    /// <see cref="PollingOptions.RelayGrace"/> later, so the verifier's own delay is not held against the node.
    /// </summary>
    private DateTimeOffset UnreachableDeadline(DateTimeOffset since, AttestationPolicy policy)
    {
        var deadline = since + policy.UnreachableAfter;
        var grace = pollingOptions.Value.RelayGrace;
        var waitUntil = deadline;
        foreach (var request in (ReadOnlySpan<OutstandingRequest?>)[_outstanding, _overdue])
        {
            // Only an answer received by the deadline could keep the node reachable.
            if (request is { } r && r.IssuedAt < deadline)
            {
                var judgedUntil = (r.ExpiresAt < deadline ? r.ExpiresAt : deadline) + grace;
                if (judgedUntil > waitUntil)
                    waitUntil = judgedUntil;
            }
        }
        return waitUntil;
    }

    /// <summary>
    /// Start of the unreachable clock: the last valid quote, the node's activation, or the one-time restart granted
    /// after verifier downtime (<see cref="EdgeNodeState.WatchSince"/>), whichever is latest. Reactivating the grain
    /// does not restart it, so frequent reactivations cannot keep a silent node from becoming Unreachable.
    /// </summary>
    private DateTimeOffset UnreachableSince()
    {
        var since = State.WatchSince ?? DateTimeOffset.MinValue;
        if (State.LastValidQuote is { } seen && seen > since)
            since = seen;
        if (State.ActivatedAt is { } activated && activated > since)
            since = activated;
        return since;
    }

    /// <summary>Arms the timer; when the node could become unreachable, never later than its deadline.</summary>
    private void ScheduleTick(TimeSpan delay, AttestationPolicy? policy = null)
    {
        var now = Now;
        if (policy is not null && CanBecomeUnreachable(State.Phase))
        {
            var untilDeadline = UnreachableDeadline(UnreachableSince(), policy) - now;
            if (untilDeadline < delay)
                delay = untilDeadline;
        }
        if (delay < TimeSpan.Zero)
            delay = TimeSpan.Zero;
        _nextTick = now + delay;
        _timer?.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void StopPolling()
    {
        RetireOutstanding();
        _nextTick = null;
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private TimeSpan RetryDelay(TimeSpan cap) =>
        PollSchedule.Retry(_consecutiveTimeouts, pollingOptions.Value.RetryInitialDelay, cap, pollingOptions.Value.Jitter, Random.Shared.NextDouble());

    private TimeSpan NextPollDelay(AttestationPolicy policy) =>
        PollSchedule.NextPoll(policy.QuoteInterval, pollingOptions.Value.Jitter, Random.Shared.NextDouble());

    /// <summary>Forgets the outstanding and the overdue request; their ids stay known so a late answer is told apart as stale.</summary>
    private void RetireOutstanding()
    {
        if (_outstanding is { } outstanding)
            _recent.Add(outstanding.RequestId);
        _outstanding = null;
        RetireOverdue();
    }

    private void RetireOverdue()
    {
        if (_overdue is { } overdue)
            _recent.Add(overdue.RequestId);
        _overdue = null;
    }

    /// <summary>The last moment an answer to <paramref name="request"/> that the gateway received in time is still judged.</summary>
    private DateTimeOffset JudgedUntil(OutstandingRequest request) => request.ExpiresAt + pollingOptions.Value.RelayGrace;

    /// <summary>The outstanding request timed out: it becomes the overdue one (replacing an older), still judged within the relay grace.</summary>
    private void ExpireOutstanding()
    {
        RetireOverdue();
        _overdue = _outstanding;
        _outstanding = null;
    }
}
