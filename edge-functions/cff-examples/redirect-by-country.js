// viewer-request, cloudfront-js-2.0: viewers in Germany go to the German site (CloudFront-Viewer-Country must be
// forwarded, e.g. by an origin request policy).
var TARGET_COUNTRY = 'DE'

async function handler(event) {
  var request = event.request
  var country = request.headers['cloudfront-viewer-country']
  if (country && country.value === TARGET_COUNTRY) {
    return {
      statusCode: 302,
      statusDescription: 'Found',
      headers: { location: { value: 'https://' + request.headers.host.value + '/de/index.html' } },
    }
  }
  return request
}
