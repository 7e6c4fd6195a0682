// viewer-request, cloudfront-js-2.0: serve each viewer from the S3 bucket in the nearest Region.
import cf from 'cloudfront'

var REGION_OF = { DE: 'eu-central-1', IE: 'eu-west-1', GB: 'eu-west-2', FR: 'eu-west-3', JP: 'ap-northeast-1', IN: 'ap-south-1' }

function handler(event) {
  var request = event.request
  var header = request.headers['cloudfront-viewer-country']
  var region = (header && REGION_OF[header.value]) || 'us-east-1'
  cf.updateRequestOrigin({
    domainName: 'site-assets-' + region + '.s3.' + region + '.amazonaws.com',
    originAccessControlConfig: { enabled: true, signingBehavior: 'always', signingProtocol: 'sigv4', originType: 's3' },
  })
  return request
}
