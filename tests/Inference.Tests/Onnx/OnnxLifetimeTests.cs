using Mirage.Inference.Onnx;
using Mirage.Inference.Tests.TestSupport;
using Mirage.Tests.Shared;
using static Mirage.Tests.Shared.TestVectors;

namespace Mirage.Inference.Tests.Onnx;

/// <summary>Native objects are released once, never while in use, whatever order .NET disposes them in.</summary>
public sealed class OnnxLifetimeTests
{
    [Fact]
    public void Dispose_while_runs_are_in_flight_lets_them_finish_and_refuses_later_ones()
    {
        var model = new OnnxInferenceModel(OnnxLibrary.Environment.OpenSession(RepositoryFiles.Model("fmnist-cnn.onnx")), "probs", null);
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
    public void A_session_outlives_a_disposed_environment_which_opens_no_more_sessions()
    {
        var onnx = OnnxEnvironment.Create(OnnxEnvironment.FindLibrary());
        using var model = new OnnxInferenceModel(onnx.OpenSession(RepositoryFiles.Model("fmnist-cnn.onnx")), "probs", null);

        onnx.Dispose();
        onnx.Dispose();
        var row = new float[Classes];
        model.Run(Inputs.AsSpan(0, Pixels), 1, row, default);

        Assert.Equal(Probabilities[..Classes], row, (e, a) => Math.Abs(e - a) <= 1e-5);
        Assert.Throws<ObjectDisposedException>(() => onnx.OpenSession(RepositoryFiles.Model("fmnist-cnn.onnx")));
    }

    [Fact]
    public void A_model_that_refuses_its_session_disposes_it()
    {
        var session = OnnxLibrary.Environment.OpenSession(RepositoryFiles.Model("fmnist-cnn.onnx"));

        Assert.Throws<ArgumentException>(() => new OnnxInferenceModel(session, "logits", null));

        Assert.Throws<ObjectDisposedException>(() => session.Run(Inputs.AsSpan(0, Pixels), 1, [0], new float[Classes], default));
    }
}
