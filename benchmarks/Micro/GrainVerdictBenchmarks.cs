using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using OrleansAttest.Benchmarks.Simulation;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Micro;

/// <summary>
/// The grain verdict path in an in-process silo (<see cref="VerdictSilo"/>: embedded Garnet, product grain services).
/// <see cref="EnrolledNodes"/> simulated devices are enrolled through the grain interface (declare, hello, activation with an
/// observer <see cref="IAgentChannel"/>, first pass, credentials acknowledged), so every node is Enrolled and polled.
/// <para>
/// A grain asks only on its timer, so each node's agent answers every request as it arrives and parks the answer
/// (<see cref="PrecomputingAgent"/>). Before each iteration the setup waits until <see cref="Nodes"/> nodes have a parked
/// answer to a live request (at least <see cref="Margin"/> before its deadline); the iteration then submits one for each.
/// More nodes are enrolled than an iteration uses because each node keeps its own poll phase (the next poll counts from
/// its previous request), so not all of them have a live request at the same moment.
/// One operation = <see cref="IEdgeNodeGrain.SubmitQuoteAsync"/> with that answer → verdict returned: the in-silo grain
/// call, the outstanding-request check, the policy lookup (cached), quote verification (TPMS_ATTEST parse, ECDSA P-256
/// verify with the activated AK, nonce, PCR digest), the eight pinned PCRs judged, the Enrolled → Enrolled transition
/// (a bookkeeping-only pass: written to Garnet at most every Polling:VerdictWriteInterval), the audit entry appended (Redis stream in Garnet), metrics, the next poll scheduled.
/// Not included: computing the quote (the agent did it earlier), gRPC, TLS, the Gateway and Orleans' network hop.
/// </para>
/// Allocated bytes are the whole process's (BenchmarkDotNet reads GC.GetTotalAllocatedBytes): grain, Orleans, the Redis
/// client and Garnet together.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GcServer(true)] // as the product silo (an ASP.NET Core app)
[InvocationCount(Nodes, 1)]
public class GrainVerdictBenchmarks
{
    /// <summary>Operations per iteration: one answer each from this many nodes.</summary>
    public const int Nodes = 32;

    /// <summary>Nodes enrolled: about half have a live request at any moment (8 s of each 10 s, less the margin).</summary>
    public const int EnrolledNodes = 4 * Nodes;

    private const string PolicyName = "micro-verdict";
    private const string Selection = "sha256:0,1,2,3,4,5,6,7";

    /// <summary>
    /// Long enough that the iteration setup waits one interval at most; the response timeout (8 s) leaves the
    /// iteration seconds to submit 32 answers to live requests. Neither is inside the measurement.
    /// </summary>
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, PendingAnswer> _pending = new(StringComparer.Ordinal);
    private VerdictSilo _silo = null!;
    private PrecomputingAgent[] _agents = [];
    private PendingAnswer[] _batch = [];
    private int _next;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _silo = await VerdictSilo.StartAsync();
        var factory = _silo.GrainFactory;
        var policy = new AttestationPolicy
        {
            Name = PolicyName,
            QuoteInterval = Interval,
            ResponseTimeout = ResponseTimeout,
            UnreachableAfter = TimeSpan.FromMinutes(5),
            PcrSelection = Selection,
            AllowedPcrValues = SimulatedFirmware.Golden.AllowedPcrValues(PcrSelection.ParseText(Selection)),
        };
        var set = await factory.GetGrain<IPolicyGrain>(PolicyName).SetAsync(policy);
        if (!set.Accepted)
            throw new InvalidOperationException($"the benchmark policy was refused: {set.ReasonCode}: {set.Detail}");

        _agents = Enumerable.Range(0, EnrolledNodes)
            .Select(i => new PrecomputingAgent(SimulatedDevice.Create($"micro-{i:D3}"), factory, _pending))
            .ToArray();
        await Task.WhenAll(_agents.Select(EnrollAsync));
        // The first pass delivered credentials; once acknowledged every node is Enrolled, as in steady state.
        foreach (var agent in _agents)
        {
            var ack = await agent.Acknowledged.WaitAsync(SetupTimeout);
            if (!ack.Accepted)
                throw new InvalidOperationException($"{agent.Device.NodeName}: credential acknowledgement refused: {ack.ReasonCode}: {ack.Detail}");
        }
        // Steady-state verdicts before BenchmarkDotNet's own warm-up.
        IterationSetup();
        for (int i = 0; i < Nodes; i++)
            await Verdict();
        foreach (var agent in _agents)
        {
            var status = await agent.Grain.GetStatusAsync();
            if (status.Phase != NodePhase.Enrolled)
                throw new InvalidOperationException($"{agent.Device.NodeName} is {status.Phase} after set-up, not Enrolled: {status.ReasonCode}: {status.Detail}");
        }
    }

    private async Task EnrollAsync(PrecomputingAgent agent)
    {
        var name = agent.Device.NodeName;
        var declared = await agent.Grain.DeclareAsync(agent.Device.Declaration(PolicyName));
        if (declared.ReasonCode is EdgeNodeGrain.DeclarationInvalidReason or EdgeNodeGrain.InternalErrorReason)
            throw new InvalidOperationException($"{name}: declaration refused: {declared.ReasonCode}: {declared.Detail}");
        var hello = await agent.Grain.HelloAsync(agent.Device.Hello());
        if (!hello.Accepted || hello.Challenge is not { } challenge)
            throw new InvalidOperationException($"{name}: hello refused: {hello.ReasonCode}: {hello.Detail}");
        var activated = await agent.Grain.ActivateAsync(agent.Device.AnswerChallenge(challenge), agent.Reference);
        if (!activated.Accepted)
            throw new InvalidOperationException($"{name}: activation refused: {activated.ReasonCode}: {activated.Detail}");
        // Activation requests the first quote at once.
        var first = await WaitForAnswerAsync(name);
        var verdict = await first.Grain.SubmitQuoteAsync(first.Response);
        if (!verdict.Accepted)
            throw new InvalidOperationException($"{name}: first quote refused: {verdict.ReasonCode}: {verdict.Detail}");
    }

    private async Task<PendingAnswer> WaitForAnswerAsync(string name)
    {
        var deadline = DateTimeOffset.UtcNow + SetupTimeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (_pending.TryRemove(name, out var answer))
                return answer;
            await Task.Delay(10);
        }
        throw new TimeoutException($"{name}: no quote request within {SetupTimeout}");
    }

    /// <summary>Waits (unmeasured) until every node has a parked answer to a request that stays live for the iteration.</summary>
    [IterationSetup]
    public void IterationSetup()
    {
        // Answers an interrupted iteration (BenchmarkDotNet's single-call jitting stage) left unused go back, unless newer.
        for (int i = _next; i < _batch.Length; i++)
            _pending.TryAdd(_batch[i].NodeName, _batch[i]);
        _batch = [];
        var deadline = DateTimeOffset.UtcNow + SetupTimeout;
        while (true)
        {
            var now = DateTimeOffset.UtcNow;
            var live = _pending.Values.Where(p => p.ExpiresAt - now >= Margin).OrderByDescending(p => p.ExpiresAt).Take(Nodes).ToArray();
            if (live.Length == Nodes)
            {
                foreach (var answer in live)
                    _pending.TryRemove(new KeyValuePair<string, PendingAnswer>(answer.NodeName, answer));
                _batch = live;
                _next = 0;
                return;
            }
            if (now > deadline)
            {
                var problems = string.Join("; ", _agents.Where(a => a.Problem is not null).Select(a => $"{a.Device.NodeName}: {a.Problem}"));
                throw new TimeoutException($"only {live.Length} of {Nodes} nodes had a live outstanding request after {SetupTimeout}. {problems}");
            }
            Thread.Sleep(20);
        }
    }

    /// <summary>One verdict: a parked answer to a live request submitted to its node's grain; anything but a pass throws.</summary>
    [Benchmark]
    public async Task<string?> Verdict()
    {
        if (_next >= _batch.Length)
            throw new InvalidOperationException($"more operations than nodes with an outstanding request ({_batch.Length}) in this iteration");
        var answer = _batch[_next++];
        var result = await answer.Grain.SubmitQuoteAsync(answer.Response);
        if (!result.Accepted)
            throw new InvalidOperationException($"verdict refused: {result.ReasonCode}: {result.Detail}");
        return result.Detail;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _silo?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var agent in _agents)
            agent.Device.Dispose();
    }
}
