using System.Collections.Concurrent;
using System.Reflection;
using Mirage.Interfaces.Runtime;

namespace Mirage.Silo.Runtime;

/// <summary>
/// The reference a caller holds: every interface call becomes a turn in the grain's mailbox, or, for
/// [AlwaysInterleave] methods, a direct call once the grain is active. The call is queued before the
/// method returns, so a caller that does not await still has its call ordered.
/// </summary>
public class GrainProxy : DispatchProxy
{
    private static readonly ConcurrentDictionary<MethodInfo, MethodDispatch> Dispatches = new();

    private GrainRuntime _runtime = null!;
    private GrainId _id;

    internal void Bind(GrainRuntime runtime, GrainId id)
    {
        _runtime = runtime;
        _id = id;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var dispatch = Dispatches.GetOrAdd(targetMethod, MethodDispatch.Create);
        return dispatch.Invoke(_runtime, _id, targetMethod, args);
    }

    /// <summary>How calls of one interface method are turned into turns, built once per method.</summary>
    private abstract class MethodDispatch
    {
        public abstract object Invoke(GrainRuntime runtime, GrainId id, MethodInfo method, object?[]? args);

        public static MethodDispatch Create(MethodInfo method)
        {
            var interleave = method.GetCustomAttribute<AlwaysInterleaveAttribute>() is not null;
            if (method.ReturnType == typeof(Task))
            {
                return new WithoutResult(interleave);
            }

            if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
            {
                var type = typeof(WithResult<>).MakeGenericType(method.ReturnType.GetGenericArguments()[0]);
                return (MethodDispatch)Activator.CreateInstance(type, [interleave])!;
            }

            throw new NotSupportedException(
                $"Grain method {method.DeclaringType?.Name}.{method.Name} must return Task or Task<T>.");
        }
    }

    private sealed class WithoutResult(bool interleave) : MethodDispatch
    {
        public override object Invoke(GrainRuntime runtime, GrainId id, MethodInfo method, object?[]? args)
        {
            if (interleave)
            {
                return runtime.InvokeInterleavedAsync<object?>(id, async grain =>
                {
                    await ((Task)method.Invoke(grain, args)!).ConfigureAwait(false);
                    return null;
                });
            }

            var turn = new GrainTurnWithoutResult(method, args);
            runtime.Enqueue(id, turn);
            return turn.Completion;
        }
    }

    private sealed class WithResult<TResult>(bool interleave) : MethodDispatch
    {
        public override object Invoke(GrainRuntime runtime, GrainId id, MethodInfo method, object?[]? args)
        {
            if (interleave)
            {
                return runtime.InvokeInterleavedAsync(id, grain => (Task<TResult>)method.Invoke(grain, args)!);
            }

            var turn = new GrainTurn<TResult>(method, args);
            runtime.Enqueue(id, turn);
            return turn.Completion;
        }
    }
}
