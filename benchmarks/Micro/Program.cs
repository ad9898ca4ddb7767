using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Micro -- --filter '*'     (all)
// dotnet run -c Release --project benchmarks/Micro -- --filter '*Quote*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
