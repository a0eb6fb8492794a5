from kehoach.cli import app

app(prog_name="kehoach")
