using BenchmarkDotNet.Attributes;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Micro;

/// <summary>
/// Measured-boot policy evaluation per quote, as QuoteJudge runs it after the quote verifier: event-log step (parse +
/// replay, or only what was appended) → replay compared with the quoted PCRs → measured-boot rules. On the largest
/// vector log (GCE Ubuntu, three banks, 112 events, 33 KB; a synthetic log of similar size without the vectors) under
/// a policy generated from it. "First quote of a boot" parses and replays all of it and runs the rules; "incremental"
/// is a later quote in the same boot with nothing appended (the agent sends 0 bytes from the held offset: the held log
/// is reused, so only the PCR comparison runs). "RulesOnly" is the rules alone, not remembered.
/// </summary>
[MemoryDiagnoser]
public class MeasuredBootBenchmarks
{
    private byte[] _log = [];
    private ReplayedEventLog _held = null!;
    private AttestationPolicy _policy = null!;
    private PcrSelection _selection = null!;
    private PcrValues _quoted = null!;

    [GlobalSetup]
    public void Setup()
    {
        var vector = BenchmarkFiles.FindVector(Path.Combine("eventlogs", "event-gce-ubuntu-2104-log.bin"));
        if (vector is not null)
            _log = File.ReadAllBytes(vector);
        else
        {
            var builder = new EventLogBuilder(TpmAlgorithm.Sha1, TpmAlgorithm.Sha256, TpmAlgorithm.Sha384);
            for (int pcr = 0; pcr <= 7; pcr++)
                builder.AddSeparator(pcr);
            for (int i = 0; i < 100; i++)
                builder.AddIpl(8, $"grub_cmd: set var{i}=value{i} with some padding to make it as long as GRUB's commands are");
            _log = builder.Build();
        }
        Console.WriteLine($"// event log: {vector ?? "synthetic"} ({_log.Length} bytes)");
        _held = EventLogReplay.ParseWhole(_log, 1).Log ?? throw new InvalidOperationException("the benchmark log does not parse");
        _policy = MeasuredBootPolicyGenerator.Generate("bench", _held.Events, MeasuredBootPolicyGenerator.DefaultBank(_held.Replay.LogBanks),
            MeasuredBootPolicyGenerator.DefaultPcrs(_held.Events));
        _selection = PcrSelection.ParseText(_policy.PcrSelection);
        _quoted = PcrValues.FromDigests(_selection, _selection.InDigestOrder()
            .Select(p => _held.Replay.Get(p.Hash, p.Pcr) ?? EventLogPcrCheck.ResetValue(p.Hash, p.Pcr)).ToArray());
        if (Evaluate(null, _log, 0) is not null || Evaluate(_held, [], _log.Length) is not null)
            throw new InvalidOperationException("the generated policy does not accept its own log");
    }

    private string? Evaluate(ReplayedEventLog? held, byte[] bytes, long offset)
    {
        var step = EventLogReplay.Advance(held, bytes, offset, offset, 1, 4 * 1024 * 1024);
        if (step.Log is null)
            return step.ReasonCode;
        if (EventLogPcrCheck.Compare(step.Log, _selection, _quoted) is { } mismatch)
            return mismatch.ReasonCode;
        // As the grain's evaluator does: rules run once per held log object and policy version.
        return MeasuredBootEvaluator.EvaluateRemembered(step.Log, _policy, _selection).ReasonCode;
    }

    [Benchmark(Baseline = true)]
    public string? FirstQuoteOfBoot() => Evaluate(null, _log, 0);

    [Benchmark]
    public string? IncrementalNothingAppended() => Evaluate(_held, [], _log.Length);

    [Benchmark]
    public int RulesOnly() => MeasuredBootEvaluator.Evaluate(_held.Events, _policy.MeasuredBoot!, _selection).Count;
}
