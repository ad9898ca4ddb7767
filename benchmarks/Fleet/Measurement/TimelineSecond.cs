using System.Globalization;

namespace OrleansAttest.Benchmarks.Fleet.Measurement;

/// <summary>
/// One second of a measurement window: what the agents saw (requests, late ones, the longest issue → arrival) beside
/// what the machine and each process did in it — to tell a stall of the machine from one process's pause.
/// A row covers <c>SpanMs</c>: about a second, more when the sampling itself was held up — then CPU is per second,
/// pauses and stalls are totals over the span, requests and late ones the labelled second's. CPU in cores; pauses,
/// stalls and delays in ms; GC generation = the highest collected in the span (−1: none); thread-pool queue and
/// threads at its end.
/// </summary>
internal sealed record TimelineSecond(int Second, double SpanMs, int Requests, int Late, double MaxDeliveryMs, PressureStall Pressure,
    double SiloCpu, double GatewayCpu, double RedisCpu, double GeneratorCpu,
    double SiloGcPauseMs, double GatewayGcPauseMs, double GeneratorGcPauseMs,
    int SiloGcGeneration, int GatewayGcGeneration, int GeneratorGcGeneration,
    double SiloPoolQueue, double GatewayPoolQueue, double SiloPoolThreads, double GatewayPoolThreads, double SiloScrapeMs, double GatewayScrapeMs,
    double GeneratorOversleepMs, double GeneratorPoolDelayMs)
{
    public const string CsvHeader =
        "second,span_ms,requests,late,max_delivery_ms,psi_cpu_some_ms,psi_memory_some_ms,psi_memory_full_ms,psi_io_some_ms,psi_io_full_ms," +
        "silo_cpu,gateway_cpu,redis_cpu,generator_cpu,silo_gc_pause_ms,gateway_gc_pause_ms,generator_gc_pause_ms," +
        "silo_gc_generation,gateway_gc_generation,generator_gc_generation," +
        "silo_pool_queue,gateway_pool_queue,silo_pool_threads,gateway_pool_threads,silo_scrape_ms,gateway_scrape_ms,generator_oversleep_ms,generator_pool_delay_ms";

    public string ToCsv() => string.Join(',', new object[]
    {
        Second, SpanMs, Requests, Late, MaxDeliveryMs, Pressure.CpuSome, Pressure.MemorySome, Pressure.MemoryFull, Pressure.IoSome, Pressure.IoFull,
        SiloCpu, GatewayCpu, RedisCpu, GeneratorCpu, SiloGcPauseMs, GatewayGcPauseMs, GeneratorGcPauseMs,
        SiloGcGeneration, GatewayGcGeneration, GeneratorGcGeneration,
        SiloPoolQueue, GatewayPoolQueue, SiloPoolThreads, GatewayPoolThreads, SiloScrapeMs, GatewayScrapeMs, GeneratorOversleepMs, GeneratorPoolDelayMs,
    }.Select(v => v is double d ? Math.Round(d, 2).ToString(CultureInfo.InvariantCulture) : Convert.ToString(v, CultureInfo.InvariantCulture)));

    /// <summary>One readable line for the report.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Second} s{(SpanMs > 1500 ? $" (sampled over {SpanMs / 1000:0.0} s)" : "")}: {Requests} requests, {Late} late, delivery ≤ {MaxDeliveryMs:0} ms | stall cpu {Pressure.CpuSome:0} mem {Pressure.MemoryFull:0} io {Pressure.IoFull:0} ms | " +
        $"cores silo {SiloCpu:0.00} gw {GatewayCpu:0.00} redis {RedisCpu:0.00} gen {GeneratorCpu:0.00} | GC ms (gen) silo {SiloGcPauseMs:0} ({Generation(SiloGcGeneration)}) gw {GatewayGcPauseMs:0} ({Generation(GatewayGcGeneration)}) gen {GeneratorGcPauseMs:0} ({Generation(GeneratorGcGeneration)}) | " +
        $"pool queue/threads silo {SiloPoolQueue:0}/{SiloPoolThreads:0} gw {GatewayPoolQueue:0}/{GatewayPoolThreads:0} | scrape ms silo {SiloScrapeMs:0} gw {GatewayScrapeMs:0} | gen oversleep {GeneratorOversleepMs:0} pool delay {GeneratorPoolDelayMs:0} ms");

    private static string Generation(int generation) => generation < 0 ? "-" : "g" + generation.ToString(CultureInfo.InvariantCulture);
}
