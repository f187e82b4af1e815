using System.Buffers.Text;

namespace Mirage.Silo.Http;

/// <summary>
/// The predict path's fast reader for the body nearly every client sends: exactly
/// <c>{"inputs": [[n, ...], ...]}</c> (JSON white space allowed), every row the model's length, every value a
/// finite number within the model's input range. It reads the bytes once, without a JSON tokenizer in
/// between, and converts numbers of up to 15 significant digits without an exponent by one exact division
/// (the mantissa and the power of ten are exact doubles, so the quotient is the correctly rounded value, the
/// same bits a full parser gives); longer numbers and exponents go to <see cref="Utf8Parser"/>.
/// Anything else, valid or not (another property, an escape, a bad value), answers false and the caller reads
/// the body with <see cref="System.Text.Json.Utf8JsonReader"/>, which accepts what JSON allows and words the
/// error: this reader never decides what is wrong with a body.
/// </summary>
internal static class PlainInputsReader
{
    private const int ExactDigits = 15;

    private static readonly double[] PowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>
    /// True when the body is the plain form and every value is acceptable: its rows are in
    /// <paramref name="buffer"/> (rented or grown as needed). False otherwise; the buffer may hold a partial
    /// read, which the caller overwrites.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, PredictRequestParser.Target target, ref float[]? buffer, out int rows)
    {
        rows = 0;
        var at = 0;
        if (!Expect(json, ref at, (byte)'{') || !Expect(json, ref at, "\"inputs\""u8) || !Expect(json, ref at, (byte)':')
            || !Expect(json, ref at, (byte)'['))
        {
            return false;
        }

        do
        {
            if (rows == target.MaxRows || !Expect(json, ref at, (byte)'['))
            {
                return false;
            }

            PredictRequestParser.EnsureCapacity(ref buffer, (rows + 1) * target.InputLength);
            if (!TryReadRow(json, ref at, target, buffer.AsSpan(rows * target.InputLength, target.InputLength)))
            {
                return false;
            }

            rows++;
        }
        while (Next(json, ref at) == ',');

        return Expect(json, ref at, (byte)']') && Expect(json, ref at, (byte)'}') && SkipWhiteSpace(json, at) == json.Length;
    }

    /// <summary>The numbers of one row up to and including its ']'; exactly values.Length of them.</summary>
    private static bool TryReadRow(ReadOnlySpan<byte> json, ref int at, PredictRequestParser.Target target, Span<float> values)
    {
        for (var count = 0; count < values.Length; count++)
        {
            if (count > 0 && !Expect(json, ref at, (byte)','))
            {
                return false;
            }

            at = SkipWhiteSpace(json, at);
            if (!TryReadNumber(json, ref at, out var value) || !double.IsFinite(value))
            {
                return false;
            }

            var single = (float)value;
            if (!float.IsFinite(single) || (target.Range is { } range && !range.Contains(single)))
            {
                return false;
            }

            values[count] = single;
        }

        return Expect(json, ref at, (byte)']');
    }

    /// <summary>A JSON number at <paramref name="at"/> (its grammar exactly), followed by white space, ',' or ']'.</summary>
    private static bool TryReadNumber(ReadOnlySpan<byte> json, ref int at, out double value)
    {
        value = 0;
        var start = at;
        var negative = At(json, at) == '-';
        if (negative)
        {
            at++;
        }

        ulong mantissa = 0;
        var digits = 0;
        if (At(json, at) == '0')
        {
            at++;
        }
        else if (IsDigit(At(json, at)))
        {
            ReadDigits(json, ref at, ref mantissa, ref digits);
        }
        else
        {
            return false;
        }

        var fractionDigits = 0;
        if (At(json, at) == '.')
        {
            at++;
            var before = digits;
            if (!IsDigit(At(json, at)))
            {
                return false;
            }

            ReadDigits(json, ref at, ref mantissa, ref digits);
            fractionDigits = digits - before;
        }

        var exponent = At(json, at) is 'e' or 'E';
        if (exponent)
        {
            at++;
            if (At(json, at) is '+' or '-')
            {
                at++;
            }

            if (!IsDigit(At(json, at)))
            {
                return false;
            }

            while (IsDigit(At(json, at)))
            {
                at++;
            }
        }

        var next = At(json, at);
        if (!IsWhiteSpace(next) && next is not (',' or ']'))
        {
            return false;
        }

        if (!exponent && digits <= ExactDigits)
        {
            value = mantissa / PowersOfTen[fractionDigits];
            value = negative ? -value : value;
            return true;
        }

        return Utf8Parser.TryParse(json[start..at], out value, out var consumed) && consumed == at - start;
    }

    // Digits beyond ExactDigits still advance the position; the number then goes to Utf8Parser.
    private static void ReadDigits(ReadOnlySpan<byte> json, ref int at, ref ulong mantissa, ref int digits)
    {
        while (IsDigit(At(json, at)))
        {
            if (++digits <= ExactDigits)
            {
                mantissa = (mantissa * 10) + (uint)(json[at] - '0');
            }

            at++;
        }
    }

    private static bool Expect(ReadOnlySpan<byte> json, ref int at, byte expected)
    {
        at = SkipWhiteSpace(json, at);
        if (At(json, at) != expected)
        {
            return false;
        }

        at++;
        return true;
    }

    private static bool Expect(ReadOnlySpan<byte> json, ref int at, ReadOnlySpan<byte> expected)
    {
        at = SkipWhiteSpace(json, at);
        if (!json[at..].StartsWith(expected))
        {
            return false;
        }

        at += expected.Length;
        return true;
    }

    /// <summary>The next character after white space, consumed if it is ','; -1 at the end.</summary>
    private static int Next(ReadOnlySpan<byte> json, ref int at)
    {
        at = SkipWhiteSpace(json, at);
        var next = At(json, at);
        if (next == ',')
        {
            at++;
        }

        return next;
    }

    private static int SkipWhiteSpace(ReadOnlySpan<byte> json, int at)
    {
        while (IsWhiteSpace(At(json, at)))
        {
            at++;
        }

        return at;
    }

    private static int At(ReadOnlySpan<byte> json, int at) => (uint)at < (uint)json.Length ? json[at] : -1;

    private static bool IsDigit(int c) => (uint)(c - '0') <= 9;

    // JSON's four white-space characters.
    private static bool IsWhiteSpace(int c) => c is ' ' or '\t' or '\n' or '\r';
}
