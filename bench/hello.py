"""The benchmark floor: the smallest Flask app, served by the same gunicorn settings as the portal.

Every portal scenario is reported as a ratio of this app's requests/s measured in the same run,
so the numbers say "how much slower than Flask doing nothing" rather than depend on the machine.
Keep it bare: no extensions, no templates, no middleware.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Return a short plain-text greeting."""
    return "Hello, HAI-DJPb!\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
