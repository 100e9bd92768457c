import io

from dashboard.progress import BAR_WIDTH, TerminalProgress, line


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_line_says_stage_rows_and_rate():
    assert line("joining", 450_000, 1_000_000, 5.0) == (
        f"joining  [{'#' * round(BAR_WIDTH * 0.45)}{'.' * (BAR_WIDTH - round(BAR_WIDTH * 0.45))}] "
        "450,000/1,000,000 rows  90,000 rows/s"
    )
    assert line("reading", 0, 0, 1.0) == "reading  "
    assert line("checking", 0, 10, 0.0).endswith("0/10 rows")


def test_a_terminal_gets_one_redrawn_line():
    times = iter([0.0, 0.0, 2.0])
    stream = Terminal()
    progress = TerminalProgress(stream, clock=lambda: next(times))
    progress("joining", 0, 100)
    progress("joining", 100, 100)
    progress.finish()
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n")
    assert "100/100 rows  50 rows/s" in text


def test_a_file_or_pipe_gets_nothing():
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    progress("joining", 5, 10)
    progress.finish()
    assert stream.getvalue() == ""
