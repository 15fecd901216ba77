"""HEAD answers with the headers GET would send, and no body.

Django renders a HEAD like a GET and leaves dropping the body to the server; gunicorn drops it
but logs a warning for every such response, which buried real warnings under monitoring probes.
"""


class HeadWithoutBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "HEAD":
            return response
        if response.streaming:
            # The file or generator behind it is closed with the response, as for a GET.
            response.streaming_content = []
        else:
            length = len(response.content)
            response.content = b""
            if length:
                # What a GET would say, as RFC 9110 allows; an empty body says 0.
                response.headers["Content-Length"] = str(length)
        return response
