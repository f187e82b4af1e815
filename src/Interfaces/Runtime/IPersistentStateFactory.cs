namespace Mirage.Interfaces.Runtime;

/// <summary>Gives a grain its durable state; the runtime decides where it lives (SQLite, PostgreSQL).</summary>
public interface IPersistentStateFactory
{
    IPersistentState<TState> Create<TState>(string grainType, string key) where TState : class, new();
}

/// <summary>State that carries an operator-facing summary, stored beside it for sorted listing.</summary>
public interface ISummarizedState
{
    Operators.ClientSummary? Summary();
}
