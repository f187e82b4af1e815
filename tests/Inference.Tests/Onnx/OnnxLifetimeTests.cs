using Mirage.Inference.Onnx;
using Mirage.Tests.Shared;
using static Mirage.Inference.Tests.TestSupport.OnnxModels;
using static Mirage.Tests.Shared.TestVectors;

namespace Mirage.Inference.Tests.Onnx;

/// <summary>The session is released once, never while a run uses it, whatever order .NET disposes things in.</summary>
public sealed class OnnxLifetimeTests
{
    [Fact]
    public void Dispose_while_runs_are_in_flight_lets_them_finish_and_refuses_later_ones()
    {
        var model = CpuLoader.Open(RepositoryFiles.Model("fmnist-cnn.onnx"), "probs", null);
        const int Runners = 4;
        const int RunsBeforeDispose = Runners * 20;
        using var running = new ManualResetEventSlim();
        var runs = 0;
        var outcomes = new Exception?[Runners];
        var wrongAnswers = 0;
        var runners = Enumerable.Range(0, Runners).Select(r => new Thread(() =>
        {
            var row = new float[Classes];
            try
            {
                for (var i = 0; ; i = (i + 1) % 256)
                {
                    model.Run(Inputs.AsSpan(i * Pixels, Pixels), 1, row, default);
                    for (var k = 0; k < Classes; k++)
                    {
                        if (Math.Abs(row[k] - Probabilities[i * Classes + k]) > 1e-5)
                        {
                            Interlocked.Increment(ref wrongAnswers);
                        }
                    }

                    if (Interlocked.Increment(ref runs) == RunsBeforeDispose)
                    {
                        running.Set();
                    }
                }
            }
            catch (Exception ex)
            {
                outcomes[r] = ex;
            }
        })).ToArray();
        Array.ForEach(runners, t => t.Start());

        running.Wait();
        model.Dispose();
        Array.ForEach(runners, t => t.Join());

        Assert.Equal(0, wrongAnswers);
        Assert.All(outcomes, ex => Assert.IsType<ObjectDisposedException>(ex));
    }

    [Fact]
    public void Dispose_twice_is_harmless_and_run_after_dispose_throws()
    {
        var model = Victim();
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Run(Inputs.AsSpan(0, Pixels), 1, new float[Classes], default));
    }
}
