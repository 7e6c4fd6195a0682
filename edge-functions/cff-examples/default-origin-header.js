// viewer-request, cloudfront-js-2.0: requests without an Origin header get one naming the site itself.
async function handler(event) {
  var request = event.request
  var headers = request.headers
  if (headers.origin === undefined) {
    headers.origin = { value: `https://${headers.host.value}` }
  }
  return request
}
