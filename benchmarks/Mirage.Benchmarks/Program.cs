using BenchmarkDotNet.Running;

namespace Mirage.Benchmarks;

// Run one group: dotnet run -c Release --project benchmarks/Mirage.Benchmarks -- --filter '*Perturbation*'
public static class BenchmarkProgram
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}
