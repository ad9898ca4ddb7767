using BenchmarkDotNet.Attributes;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Micro;

/// <summary>
/// Parse + replay of a whole event log. Uses the largest vector log (GCE Ubuntu, three banks, 33 KB) when
/// ../shared/vectors is beside the checkout, else a synthetic three-bank log of similar size.
/// </summary>
[MemoryDiagnoser]
public class EventLogReplayBenchmarks
{
    private byte[] _log = [];

    [Params("largest-vector-or-synthetic")]
    public string Source { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var vector = BenchmarkFiles.FindVector(Path.Combine("eventlogs", "event-gce-ubuntu-2104-log.bin"));
        if (vector is not null)
        {
            _log = File.ReadAllBytes(vector);
            Console.WriteLine($"// event log: {vector} ({_log.Length} bytes)");
            return;
        }
        var builder = new EventLogBuilder(TpmAlgorithm.Sha1, TpmAlgorithm.Sha256, TpmAlgorithm.Sha384);
        for (int i = 0; i < 120; i++)
            builder.AddEvent(i % 10, EventType.EfiBootServicesApplication, new byte[200 + i]);
        _log = builder.Build();
        Console.WriteLine($"// event log: synthetic ({_log.Length} bytes)");
    }

    [Benchmark]
    public ReplayResult ParseAndReplay() => PcrReplayer.Replay(EventLogParser.Parse(_log));

    [Benchmark]
    public TcgEventLog ParseOnly() => EventLogParser.Parse(_log);
}
