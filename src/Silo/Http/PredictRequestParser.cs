using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Mirage.Inference;

namespace Mirage.Silo.Http;

/// <summary>
/// Reads <c>{"inputs": [[...], ...]}</c> straight into one pooled float buffer (rows x inputLength),
/// checking every value on the way, so a bad request is refused with the exact input and value at fault.
/// The plain form most clients send is read by <see cref="PlainInputsReader"/>; everything else, and every
/// error, by the JSON reader here.
/// </summary>
public static class PredictRequestParser
{
    public sealed record Target(string Model, int InputLength, string Shape, int MaxRows, InputRange? Range = null);

    /// <summary>On success the caller owns <paramref name="inputs"/> (return it to ArrayPool&lt;float&gt;.Shared).</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, Target target, out float[] inputs, out int rows, out ApiError? error)
    {
        inputs = [];
        float[]? buffer = null;
        if (PlainInputsReader.TryRead(json, target, ref buffer, out rows))
        {
            inputs = buffer!;
            error = null;
            return true;
        }

        // Not the plain form, or something in it is wrong: the JSON reader reads it all again and says what.
        rows = 0;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            error = Parse(ref reader, target, ref buffer, ref rows);
        }
        catch (JsonException ex)
        {
            error = ApiError.BadRequest($"The body is not valid JSON: {ex.Message}");
        }

        if (error is not null)
        {
            if (buffer is not null)
            {
                ArrayPool<float>.Shared.Return(buffer);
            }

            rows = 0;
            return false;
        }

        inputs = buffer!;
        return true;
    }

    private static ApiError? Parse(ref Utf8JsonReader reader, Target target, ref float[]? buffer, ref int rows)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return ApiError.BadRequest("The body must be a JSON object: {\"inputs\": [[...], ...]}.");
        }

        var sawInputs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("inputs"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            // Two "inputs" would otherwise be merged into one batch that the caller never wrote.
            if (sawInputs)
            {
                return ApiError.BadRequest("The body has \"inputs\" twice; send one array of inputs.");
            }

            sawInputs = true;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return ApiError.BadRequest("\"inputs\" must be an array of inputs, each an array of numbers.");
            }

            var error = ReadRows(ref reader, target, ref buffer, ref rows);
            if (error is not null)
            {
                return error;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            return ApiError.BadRequest("The body must be a JSON object: {\"inputs\": [[...], ...]}.");
        }

        if (reader.Read())
        {
            return ApiError.BadRequest("The body has content after its JSON object.");
        }

        if (!sawInputs)
        {
            return ApiError.BadRequest("The body has no \"inputs\": send {\"inputs\": [[...], ...]}.");
        }

        return rows == 0 ? ApiError.BadRequest("\"inputs\" is empty: send at least one input.") : null;
    }

    private static ApiError? ReadRows(ref Utf8JsonReader reader, Target target, ref float[]? buffer, ref int rows)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var row = rows;
            if (row == target.MaxRows)
            {
                return ApiError.TooLarge($"At most {target.MaxRows} inputs fit in one request; send the rest in another.");
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return ApiError.BadRequest($"input {row} is not an array of numbers.");
            }

            EnsureCapacity(ref buffer, (row + 1) * target.InputLength);
            var values = buffer.AsSpan(row * target.InputLength, target.InputLength);
            var count = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number)
                {
                    return ApiError.BadRequest($"input {row} value {count} is not a number ({Describe(reader.TokenType)}).");
                }

                if (!reader.TryGetDouble(out var value) || !double.IsFinite(value) || !float.IsFinite((float)value))
                {
                    return ApiError.BadRequest($"input {row} value {count} is not a finite number.");
                }

                if (target.Range is { } range && !range.Contains((float)value))
                {
                    return ApiError.BadRequest(string.Create(CultureInfo.InvariantCulture,
                        $"input {row} value {count} is {value}, outside model {target.Model}'s input range {range}."));
                }

                if (count < values.Length)
                {
                    values[count] = (float)value;
                }

                count++;
            }

            if (count != target.InputLength)
            {
                return ApiError.BadRequest(
                    $"input {row} has {count} values; model {target.Model} expects {target.InputLength} ({target.Shape}).");
            }

            rows++;
        }

        return null;
    }

    internal static void EnsureCapacity(ref float[]? buffer, int length)
    {
        if (buffer is not null && buffer.Length >= length)
        {
            return;
        }

        var grown = ArrayPool<float>.Shared.Rent(Math.Max(length, (buffer?.Length ?? 0) * 2));
        if (buffer is not null)
        {
            buffer.AsSpan().CopyTo(grown);
            ArrayPool<float>.Shared.Return(buffer);
        }

        buffer = grown;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        _ => token.ToString(),
    };
}
