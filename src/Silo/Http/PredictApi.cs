using System.Buffers;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Mirage.Grains.Clients;
using Mirage.Inference;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Inference;
using Mirage.Silo.Configuration;
using Mirage.Silo.Security;

namespace Mirage.Silo.Http;

/// <summary>
/// POST /v1/models/{model}/predict: authenticate, parse, read the client's defense (published by its grain), score
/// through the model's inference grain, send the observation to the client's grain, answer. The answer never says which
/// defense was applied.
/// </summary>
public static class PredictApi
{
    public static IEndpointRouteBuilder MapPredictApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/models/{model}/predict", PredictAsync)
            .RequireAuthorization(MiragePolicies.Client)
            .RequireRateLimiting(MirageRateLimits.TenantShare);
        return app;
    }

    private static async Task<IResult> PredictAsync(
        string model,
        HttpContext context,
        ModelCatalog catalog,
        PredictGrains grains,
        LocalDefenses defenses,
        ObservationGate observations,
        GrainCallResilience resilience,
        IOptions<MirageOptions> options,
        TimeProvider time,
        ILogger<PredictLog> logger)
    {
        var caller = ApiPrincipal.Required(context);
        if (!catalog.TryGet(model, out var served))
        {
            return new ApiError(StatusCodes.Status404NotFound, "Unknown model",
                $"There is no model \"{model}\"; GET /v1/models lists the models.").ToResult();
        }

        if (ApiError.UnlessJson(context.Request) is { } notJson)
        {
            return notJson.ToResult();
        }

        var maxRows = options.Value.MaxInputsPerRequest;
        var target = new PredictRequestParser.Target(served.Name, served.InputLength, served.DescribeShape(), maxRows, served.InputRange);
        var body = await RequestBody.ReadAsync(context.Request, MaxBodyBytes(target), context.RequestAborted);
        if (body.Refusal(context) is { } refusal)
        {
            return refusal;
        }

        float[] inputs;
        int rows;
        using (body)
        {
            if (!PredictRequestParser.TryParse(body.Span, target, out inputs, out rows, out var invalid))
            {
                return invalid!.ToResult();
            }
        }

        var inputsOwned = true;
        var (clientKey, grain) = grains.ClientOf(caller);
        var slotTaken = false;
        try
        {
            // The grain's published defense: read here when its activation is on this silo, else asked for.
            var defense = defenses.TryGet(clientKey, out var published) ? published
                : await resilience.RepeatableAsync(grain, static g => g.GetDefenseAsync(), context.RequestAborted);
            var policy = defense.PolicyAt(time.GetUtcNow());
            if (policy.Method == PerturbationMethod.Block)
            {
                return new ApiError(StatusCodes.Status403Forbidden, "Forbidden",
                    "This client is not allowed to make predictions. Contact the API's operator.").ToResult();
            }

            // The observation's slot is taken before scoring: a client with too many in flight is refused
            // now, rather than answered and then not observed.
            if (!observations.TryEnter(clientKey))
            {
                return TooBusy(context, StatusCodes.Status429TooManyRequests,
                    "Too many requests from this client are waiting; retry after the Retry-After delay.");
            }

            slotTaken = true;
            // Scored and observed at most once: retried only when the grain certainly never got the call.
            var result = await resilience.OnceAsync(
                (Grain: grains.ModelOf(served.Name), Request: new ScoreRequest(inputs, rows, policy), Aborted: context.RequestAborted),
                static s => s.Grain.ScoreAsync(s.Request, s.Aborted), context.RequestAborted);
            var observation = ClientObservations.Create(served, inputs, result, time.GetUtcNow());
            inputsOwned = false;
            slotTaken = false;
            // Awaited by nobody on the response path: the gate frees the slot when the grain has learned
            // from it, and logs and counts it if it never gets there.
            observations.Track(clientKey, resilience.OnceAsync(
                (Grain: grain, Observation: observation), static s => s.Grain.ObserveAsync(s.Observation), CancellationToken.None));
            return new PredictResponse(served.Name, result);
        }
        catch (InferenceOverloadedException)
        {
            return TooBusy(context, StatusCodes.Status503ServiceUnavailable,
                "The service is at capacity; retry after the Retry-After delay.");
        }
        catch (InvalidModelOutputException)
        {
            // Never answered and never observed, so no grain keeps a NaN; the operator learns which input did it.
            logger.LogWarning("Model {Model} answered client {Tenant}/{Client} with values that are not a probability distribution; refused with 503",
                served.Name, caller.Tenant, caller.Name);
            return new ApiError(StatusCodes.Status503ServiceUnavailable, "Prediction failed",
                "The model could not score this request. Check that every input is in the model's own scaling.").ToResult();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller has gone: its request was dropped unscored and nobody reads an answer.
            return Results.Empty;
        }
        finally
        {
            if (slotTaken)
            {
                observations.Leave(clientKey);
            }

            if (inputsOwned)
            {
                ArrayPool<float>.Shared.Return(inputs);
            }
        }
    }

    /// <summary>The log category of refused predictions.</summary>
    internal sealed class PredictLog;

    private static int MaxBodyBytes(PredictRequestParser.Target target) =>
        // Generous room for long decimal spellings of every value, plus white space.
        checked((target.MaxRows + 1) * target.InputLength * 32 + 4096);

    private static IResult TooBusy(HttpContext context, int status, string detail)
    {
        context.Response.Headers.RetryAfter = "1";
        return new ApiError(status, status == StatusCodes.Status429TooManyRequests ? "Too many requests" : "Service busy", detail).ToResult();
    }

    /// <summary>Writes the answer straight from the pooled result, then returns the result's buffers.</summary>
    private sealed class PredictResponse(string model, InferenceResult result) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            using var owned = result;
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "application/json";
            await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
            Write(writer);
            await writer.FlushAsync();
        }

        private void Write(Utf8JsonWriter writer)
        {
            var answered = result.Answered;
            writer.WriteStartObject();
            writer.WriteString("model"u8, model);
            writer.WriteStartArray("outputs"u8);
            for (var offset = 0; offset < answered.Length; offset += result.Classes)
            {
                var row = answered.Slice(offset, result.Classes);
                writer.WriteStartObject();
                writer.WriteStartArray("probabilities"u8);
                foreach (var p in row)
                {
                    writer.WriteNumberValue(p);
                }

                writer.WriteEndArray();
                writer.WriteNumber("label"u8, TensorPrimitives.IndexOfMax(row));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
    }
}
