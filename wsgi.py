"""Production entry point: gunicorn wsgi:app"""

from absher_web import create_app

app = create_app()
