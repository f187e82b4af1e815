namespace Mirage.Client.Commands;

/// <summary>Inputs as raw little-endian float32 rows (the format of models/testvectors/*.inputs.f32).</summary>
internal static class InputFile
{
    public static float[][] Read(string path, int inputLength)
    {
        var bytes = File.ReadAllBytes(path);
        var rowBytes = inputLength * sizeof(float);
        if (bytes.Length == 0 || bytes.Length % rowBytes != 0)
        {
            throw new InvalidDataException(
                $"{path} has {bytes.Length} bytes, not a whole number of {inputLength}-value float32 rows.");
        }

        var rows = new float[bytes.Length / rowBytes][];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new float[inputLength];
            Buffer.BlockCopy(bytes, i * rowBytes, rows[i], 0, rowBytes);
        }

        return rows;
    }
}
