namespace Mirage.Client.Api;

// The JSON shapes of docs/API.md, as the client reads and writes them (camelCase on the wire).

public sealed record ModelList(IReadOnlyList<ModelInfo> Models);

public sealed record ModelInfo(string Name, IReadOnlyList<int> InputShape, int Classes, IReadOnlyList<string> Labels);

public sealed record PredictRequest(IReadOnlyList<float[]> Inputs);

public sealed record PredictResponse(string Model, IReadOnlyList<PredictOutput> Outputs);

public sealed record PredictOutput(float[] Probabilities, int Label);

/// <summary>An RFC 7807 problem the service answered with.</summary>
public sealed record ApiProblem(int Status, string? Title, string? Detail);
