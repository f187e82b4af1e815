using System.Buffers;
using System.Globalization;
using System.Text;
using Mirage.Inference;
using Mirage.Silo.Http;

namespace Mirage.Silo.Tests.Http;

/// <summary>
/// The fast reader of the plain predict body: it must give the very bits a correct parser gives, for every way a
/// client spells a number, and hand everything else to the JSON reader (which then accepts or words the error).
/// </summary>
public sealed class PlainInputsReaderTests
{
    private static readonly PredictRequestParser.Target Target = new("m", InputLength: 6, Shape: "[6]", MaxRows: 4, new InputRange(-1e20, 1e20));

    public static TheoryData<string> Spellings => new()
    {
        "0", "-0", "1", "-1", "0.5", "0.0039", "0.003921569", "12.25", "-3.75", "999999.5",
        "0.1234567890123",                  // 13 digits: the exact division
        "0.123456789012345",                // 15
        "0.12345678901234567",              // 17 (Python's and JavaScript's repr): Utf8Parser
        "0.00000000000000000123",           // long zeros in the fraction
        "123456789012345678",               // an integer of 18 digits
        "1e-3", "5E+1", "2.5e2", "-7.125E-4", "1e0",
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void Every_spelling_of_a_number_reads_as_the_correctly_rounded_float(string number)
    {
        var body = $"{{\"inputs\":[[{number},{number},{number},{number},{number},{number}]]}}";

        var values = ReadPlain(body, rows: 1);

        var expected = (float)double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.All(values, v => Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(v)));
    }

    [Fact]
    public void Random_bodies_read_the_same_bits_as_a_full_parser()
    {
        var random = new Random(20261202);
        for (var body = 0; body < 500; body++)
        {
            var rows = random.Next(1, Target.MaxRows + 1);
            var texts = new List<string>();
            var json = new StringBuilder(Space(random)).Append('{').Append(Space(random)).Append("\"inputs\"").Append(Space(random)).Append(':')
                .Append(Space(random)).Append('[');
            for (var r = 0; r < rows; r++)
            {
                json.Append(r > 0 ? "," : "").Append(Space(random)).Append('[');
                for (var c = 0; c < Target.InputLength; c++)
                {
                    var text = Spell(random);
                    texts.Add(text);
                    json.Append(c > 0 ? "," : "").Append(Space(random)).Append(text).Append(Space(random));
                }

                json.Append(']').Append(Space(random));
            }

            json.Append(']').Append(Space(random)).Append('}').Append(Space(random));

            var values = ReadPlain(json.ToString(), rows);

            for (var i = 0; i < texts.Count; i++)
            {
                var expected = (float)double.Parse(texts[i], NumberStyles.Float, CultureInfo.InvariantCulture);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(values[i]),
                    $"{texts[i]}: {expected:R} expected, {values[i]:R} read");
            }
        }
    }

    public static TheoryData<string> NotPlain => new()
    {
        """{"model":"m","inputs":[[1,2,3,4,5,6]]}""",   // another property
        """{"\u0069nputs":[[1,2,3,4,5,6]]}""",          // an escape in the name
        """{"inputs":[[1,2,3,4,5,6]],"inputs":[[1,2,3,4,5,6]]}""",
        """{"inputs":[[1,2,3,4,5]]}""",                 // too short
        """{"inputs":[[1,2,3,4,5,6,7]]}""",             // too long
        """{"inputs":[]}""",
        """{"inputs":[[1,2,3,4,5,6],[1,2,3,4,5,6],[1,2,3,4,5,6],[1,2,3,4,5,6],[1,2,3,4,5,6]]}""",  // rows over MaxRows
        """{"inputs":[[1,2,3,4,5,"6"]]}""",
        """{"inputs":[[1,2,3,4,5,[6]]]}""",
        """{"inputs":[[1,2,3,4,5,null]]}""",
        """{"inputs":[[01,2,3,4,5,6]]}""",
        """{"inputs":[[1.,2,3,4,5,6]]}""",
        """{"inputs":[[.5,2,3,4,5,6]]}""",
        """{"inputs":[[+1,2,3,4,5,6]]}""",
        """{"inputs":[[-,2,3,4,5,6]]}""",
        """{"inputs":[[1e,2,3,4,5,6]]}""",
        """{"inputs":[[1x,2,3,4,5,6]]}""",
        """{"inputs":[[NaN,2,3,4,5,6]]}""",
        """{"inputs":[[1e400,2,3,4,5,6]]}""",           // not finite as a double
        """{"inputs":[[2e21,2,3,4,5,6]]}""",            // outside the input range
        """{"inputs":[[1,2,3,4,5,6],]}""",
        """{"inputs":[[1,2,3,4,5,6]]}x""",
        """{"inputs":[[1,2,3,4,5,6]]""",
        """{"inputs":[[1,2,3,4,5,6]] /* comment */}""",
    };

    [Theory]
    [MemberData(nameof(NotPlain))]
    public void Anything_but_the_plain_form_with_acceptable_values_is_left_to_the_JSON_reader(string body)
    {
        float[]? buffer = null;
        Assert.False(PlainInputsReader.TryRead(Encoding.UTF8.GetBytes(body), Target, ref buffer, out _));
        if (buffer is not null)
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    [Theory]
    [InlineData("3e38", true)]
    [InlineData("1e39", false)]   // finite as a double, not as a float
    public void Without_an_input_range_only_numbers_a_float_holds_are_plain(string number, bool plain)
    {
        var unbounded = Target with { Range = null };
        float[]? buffer = null;
        var body = Encoding.UTF8.GetBytes($"{{\"inputs\":[[{number},0,0,0,0,0]]}}");

        Assert.Equal(plain, PlainInputsReader.TryRead(body, unbounded, ref buffer, out _));
        if (buffer is not null)
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    [Fact]
    public void A_body_left_to_the_JSON_reader_is_still_read_when_it_is_valid()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","\u0069nputs":[[1,2e0,3,4,5,6]]}""");

        Assert.True(PredictRequestParser.TryParse(body, Target, out var inputs, out var rows, out _));

        Assert.Equal(1, rows);
        Assert.Equal([1, 2, 3, 4, 5, 6], inputs[..6]);
        ArrayPool<float>.Shared.Return(inputs);
    }

    private static float[] ReadPlain(string body, int rows)
    {
        float[]? buffer = null;
        Assert.True(PlainInputsReader.TryRead(Encoding.UTF8.GetBytes(body), Target, ref buffer, out var read), body);
        Assert.Equal(rows, read);
        var values = buffer![..(rows * Target.InputLength)];
        ArrayPool<float>.Shared.Return(buffer);
        return values;
    }

    private static string Space(Random random) => random.Next(4) switch
    {
        0 => "",
        1 => " ",
        2 => "\n  ",
        _ => "\t\r\n",
    };

    /// <summary>A number as some client writes it: short decimals, float32's shortest, double's repr, exponents.</summary>
    private static string Spell(Random random)
    {
        var value = (random.NextDouble() - 0.2) * Math.Pow(10, random.Next(-8, 6));
        return random.Next(6) switch
        {
            0 => Math.Round(value, random.Next(0, 5)).ToString(CultureInfo.InvariantCulture),
            1 => ((float)value).ToString("R", CultureInfo.InvariantCulture),
            2 => value.ToString("R", CultureInfo.InvariantCulture),
            3 => value.ToString("E" + random.Next(0, 17), CultureInfo.InvariantCulture),
            4 => value.ToString("G7", CultureInfo.InvariantCulture),
            _ => random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
        };
    }
}
