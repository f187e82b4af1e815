using System.Reflection;
using System.Runtime.ExceptionServices;
using Mirage.Interfaces.Runtime;

namespace Mirage.Silo.Runtime;

/// <summary>One queued call of a grain method; it completes the caller's task once the turn is over.</summary>
internal abstract class GrainTurn(MethodInfo method, object?[]? arguments)
{
    public MethodInfo Method { get; } = method;

    /// <summary>Runs the call on the grain; the outcome is kept until <see cref="Publish"/>.</summary>
    public abstract Task RunAsync(Grain grain);

    /// <summary>Completes the caller's task with the outcome, after the activation has finished its bookkeeping.</summary>
    public abstract void Publish();

    public abstract void Fail(Exception error);

    /// <summary>Invokes the method and hands back the task it returns, unwrapping reflection's wrapper.</summary>
    protected Task Invoke(Grain grain)
    {
        try
        {
            return (Task)Method.Invoke(grain, arguments)!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }
}

internal sealed class GrainTurnWithoutResult(MethodInfo method, object?[]? arguments) : GrainTurn(method, arguments)
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _error;

    public Task Completion => _completion.Task;

    public override async Task RunAsync(Grain grain)
    {
        try
        {
            await Invoke(grain).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _error = ex;
            throw;
        }
    }

    public override void Publish()
    {
        if (_error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(_error);
        }
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}

internal sealed class GrainTurn<TResult>(MethodInfo method, object?[]? arguments) : GrainTurn(method, arguments)
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TResult? _result;
    private Exception? _error;

    public Task<TResult> Completion => _completion.Task;

    public override async Task RunAsync(Grain grain)
    {
        try
        {
            _result = await ((Task<TResult>)Invoke(grain)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _error = ex;
            throw;
        }
    }

    public override void Publish()
    {
        if (_error is null)
        {
            _completion.TrySetResult(_result!);
        }
        else
        {
            _completion.TrySetException(_error);
        }
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
