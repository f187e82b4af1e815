using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Inference;

namespace Mirage.Inference;

/// <summary>
/// The stateless-worker pool of one model (Orleans' [StatelessWorker]: bounded, local, no identity).
/// The pool owns its models. A batcher gathers queued requests from any client into one run of up to MaxBatchSize rows, waiting
/// at most MaxWaitMicroseconds for company; workers run the batches on the model and split the answers.
/// </summary>
public sealed class InferencePool : IDisposable
{
    private readonly IInferenceModel _model;
    private readonly SurrogatePosterior _surrogate;
    private readonly PerturbationCatalog _perturbations;
    private readonly InferenceOptions _options;
    private readonly Channel<InferenceRequest> _requests;
    private readonly Channel<List<InferenceRequest>> _batches;
    private readonly Thread _batcher;
    private readonly Thread[] _workers;
    private readonly InferenceRunMetrics? _metrics;
    private readonly KeyValuePair<string, object?> _modelTag;
    private long _runs;
    private long _rows;
    private long _requestCount;
    private long _invalidOutputs;
    private long _abandoned;

    public InferencePool(
        string name,
        IInferenceModel model,
        SurrogatePosterior? surrogate,
        PerturbationCatalog perturbations,
        InferenceOptions options,
        InferenceRunMetrics? metrics = null)
    {
        Name = name;
        _metrics = metrics;
        _modelTag = new KeyValuePair<string, object?>("model", name);
        _model = model;
        // With no surrogate, MAD's posterior comes from the victim itself (docs/ALGORITHMS.md).
        _surrogate = surrogate ?? SurrogatePosterior.PerInput(model, owns: false);
        _perturbations = perturbations;
        _options = options;
        // Synchronous continuations: the only ones are ThreadParking's wake-ups, which set an event, so a
        // writer wakes the parked reader itself instead of through a thread-pool hop.
        _requests = Channel.CreateBounded<InferenceRequest>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = true,
        });
        var workers = options.Workers > 0 ? options.Workers : Environment.ProcessorCount;
        _batches = Channel.CreateBounded<List<InferenceRequest>>(new BoundedChannelOptions(workers)
        {
            SingleWriter = true,
            AllowSynchronousContinuations = true,
        });
        _batcher = new Thread(GatherBatches) { IsBackground = true, Name = $"batcher {name}" };
        _batcher.Start();
        _workers = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _workers[i] = new Thread(RunBatches) { IsBackground = true, Name = $"inference {name} #{i}" };
            _workers[i].Start();
        }
    }

    public string Name { get; }

    /// <summary>Where MAD's surrogate posterior comes from, for logs.</summary>
    public string SurrogateDescription => _surrogate.Description;

    public int InputLength => _model.InputLength;

    public int Classes => _model.Classes;

    /// <summary>Model runs so far: fewer than requests when batching merges them.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    public long RowsScored => Interlocked.Read(ref _rows);

    public long Requests => Interlocked.Read(ref _requestCount);

    /// <summary>Requests refused because the model's output was not a finite distribution.</summary>
    public long InvalidOutputs => Interlocked.Read(ref _invalidOutputs);

    /// <summary>Requests dropped unscored because their caller had gone before their batch formed.</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);

    /// <summary>
    /// Scores <paramref name="rows"/> inputs and applies <paramref name="policy"/>. Throws
    /// <see cref="InferenceOverloadedException"/> when the queue is full; the task fails with
    /// <see cref="InvalidModelOutputException"/> when the model's output is not a distribution, and is
    /// cancelled, unscored, when <paramref name="cancellationToken"/> fires before its batch forms.
    /// </summary>
    public Task<InferenceResult> ScoreAsync(
        ReadOnlyMemory<float> inputs, int rows, PerturbationPolicy policy, CancellationToken cancellationToken = default)
    {
        if (rows <= 0 || inputs.Length < rows * _model.InputLength)
        {
            throw new ArgumentException(
                $"{rows} rows need {rows * _model.InputLength} input values; got {inputs.Length}.", nameof(inputs));
        }

        var seed = policy.Seed is { } fixedSeed ? (ulong)fixedSeed : (ulong)Random.Shared.NextInt64();
        cancellationToken.ThrowIfCancellationRequested();
        var request = new InferenceRequest(inputs, rows, _perturbations.Get(policy), seed, cancellationToken);
        if (!_requests.Writer.TryWrite(request))
        {
            throw new InferenceOverloadedException(Name, _options.QueueCapacity);
        }

        Interlocked.Increment(ref _requestCount);
        return request.Completion;
    }

    public void Dispose()
    {
        _requests.Writer.TryComplete();
        _batcher.Join();
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        _model.Dispose();
        _surrogate.Dispose();
    }

    private void GatherBatches()
    {
        var maxWait = (long)(_options.MaxWaitMicroseconds * (Stopwatch.Frequency / 1_000_000.0));
        var reader = _requests.Reader;
        var parking = new ThreadParking();
        while (parking.Wait(reader.WaitToReadAsync()))
        {
            if (!reader.TryRead(out var first) || Abandon(first))
            {
                continue;
            }

            var batch = new List<InferenceRequest> { first };
            var rows = first.Rows;
            var deadline = Stopwatch.GetTimestamp() + maxWait;
            var spinner = new SpinWait();
            while (rows < _options.MaxBatchSize)
            {
                if (reader.TryPeek(out var next))
                {
                    if (rows + next.Rows > _options.MaxBatchSize)
                    {
                        break;
                    }

                    reader.TryRead(out next);
                    if (Abandon(next!))
                    {
                        continue;
                    }

                    batch.Add(next!);
                    rows += next!.Rows;
                    continue;
                }

                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    break;
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }

            // Waits while every worker is busy: meanwhile the next batch fills up in the queue.
            parking.Wait(_batches.Writer.WriteAsync(batch));
        }

        _batches.Writer.TryComplete();
    }

    /// <summary>A request whose caller has gone is cancelled instead of scored: nobody would read the answer.</summary>
    private bool Abandon(InferenceRequest request)
    {
        if (!request.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        request.Cancel();
        Interlocked.Increment(ref _abandoned);
        return true;
    }

    private void RunBatches()
    {
        var reader = _batches.Reader;
        var parking = new ThreadParking();
        while (parking.Wait(reader.WaitToReadAsync()))
        {
            if (reader.TryRead(out var batch))
            {
                RunBatch(batch);
            }
        }
    }

    private void RunBatch(List<InferenceRequest> batch)
    {
        var inputLength = _model.InputLength;
        var classes = _model.Classes;
        var rows = 0;
        var needsSurrogate = false;
        foreach (var request in batch)
        {
            rows += request.Rows;
            needsSurrogate |= request.Perturbation.NeedsSurrogate;
        }

        var inputs = ArrayPool<float>.Shared.Rent(rows * inputLength);
        var probabilities = ArrayPool<float>.Shared.Rent(rows * classes);
        var surrogate = needsSurrogate ? ArrayPool<float>.Shared.Rent(rows * classes) : null;
        try
        {
            var offset = 0;
            foreach (var request in batch)
            {
                request.Inputs.Span[..(request.Rows * inputLength)].CopyTo(inputs.AsSpan(offset));
                offset += request.Rows * inputLength;
            }

            var started = Stopwatch.GetTimestamp();
            _model.Run(inputs.AsSpan(0, rows * inputLength), rows, probabilities.AsSpan(0, rows * classes), default);
            _metrics?.RecordRun(_modelTag, rows, started);
            if (surrogate is not null)
            {
                _surrogate.Fill(inputs.AsSpan(0, rows * inputLength), rows, surrogate.AsSpan(0, rows * classes));
            }

            Interlocked.Increment(ref _runs);
            Interlocked.Add(ref _rows, rows);
        }
        catch (Exception ex)
        {
            foreach (var request in batch)
            {
                request.Fail(ex);
            }

            return;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(inputs);
        }

        try
        {
            var row = 0;
            foreach (var request in batch)
            {
                try
                {
                    if (Answer(request, probabilities, surrogate, row, classes) is { } answer)
                    {
                        request.Complete(answer);
                    }
                    else
                    {
                        Interlocked.Increment(ref _invalidOutputs);
                        request.Fail(new InvalidModelOutputException(Name));
                    }
                }
                catch (Exception ex)
                {
                    request.Fail(ex);
                }

                row += request.Rows;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(probabilities);
            if (surrogate is not null)
            {
                ArrayPool<float>.Shared.Return(surrogate);
            }
        }
    }

    /// <summary>The request's answer; null when the model's rows or the perturbed answer are not fit to send.</summary>
    private InferenceResult? Answer(InferenceRequest request, float[] probabilities, float[]? surrogate, int row, int classes)
    {
        var length = request.Rows * classes;
        if (!ModelOutputCheck.AreDistributions(probabilities.AsSpan(row * classes, length), classes))
        {
            return null;
        }

        var original = ArrayPool<float>.Shared.Rent(length);
        var answered = ArrayPool<float>.Shared.Rent(length);
        probabilities.AsSpan(row * classes, length).CopyTo(original);
        probabilities.AsSpan(row * classes, length).CopyTo(answered);
        var surrogateRows = surrogate is null ? default : surrogate.AsSpan(row * classes, length);
        request.Perturbation.Apply(answered.AsSpan(0, length), classes, new PerturbationInputs(surrogateRows, request.Seed));
        var result = new InferenceResult(request.Rows, classes, answered, original);
        if (ModelOutputCheck.AreAnswerable(result.Answered))
        {
            return result;
        }

        result.Dispose();
        return null;
    }
}
