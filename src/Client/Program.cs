Console.WriteLine("mirage: the command-line client (coming with the HTTP API).");
return 0;
