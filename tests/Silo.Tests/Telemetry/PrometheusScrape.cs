using System.Globalization;
using System.Text.RegularExpressions;

namespace Mirage.Silo.Tests.Telemetry;

/// <summary>One /metrics answer parsed: every sample's name, labels and value (text format 0.0.4).</summary>
internal sealed partial class PrometheusScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public PrometheusScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
            _samples.Add((match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
    }

    public string Text { get; }

    public IEnumerable<string> Names => _samples.Select(s => s.Name).Distinct();

    /// <summary>The one sample of <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var matching = Matching(name, labels).ToList();
        Assert.True(matching.Count == 1, $"{matching.Count} samples of {name} with {string.Join(',', labels)} in\n{Text}");
        return matching[0];
    }

    /// <summary>The sum over every sample of <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) => Matching(name, labels).Sum();

    private IEnumerable<double> Matching(string name, (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Select(s => s.Value);

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)",?""")]
    private static partial Regex LabelPair();
}
