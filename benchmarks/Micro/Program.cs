using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Micro -- --filter '*'     (all)
// dotnet run -c Release --project benchmarks/Micro -- --filter '*Quote*'
// Not typeof(Program): the Silo project (referenced for GrainVerdictBenchmarks) has a public Program too.
BenchmarkSwitcher.FromAssembly(typeof(OrleansAttest.Benchmarks.Micro.MeasuredBootBenchmarks).Assembly).Run(args);
